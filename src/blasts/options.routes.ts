import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { AppContext } from '../app-context.js';
import { customerStatuses, knownAttributeKeys } from '../customers/customers.repository.js';
import { CUSTOMER_FIELDS } from '../customers/customers.schema.js';
import { errorResponses, Nullable, SuccessTrue } from '../http/common.schema.js';
import { formatQuietHours } from '../schedule/quiet-hours.js';

const MAX_STATUSES = 100;

const BlastOptionsResponse = Type.Object(
  {
    success: SuccessTrue,
    data: Type.Object(
      {
        placeholders: Type.Array(Type.String(), { description: 'What a message may hold in braces: the customer fields, then every attribute key seen.' }),
        customer_statuses: Type.Array(Type.String(), { description: `The statuses customers have (at most ${MAX_STATUSES}), for filter_params.status.` }),
        time_zone: Type.String({ description: 'TIMEZONE: quiet hours and daily caps are in this zone.' }),
        quiet_hours: Nullable(Type.String({ description: 'QUIET_HOURS, the default of a blast; null when off.' })),
      },
      { additionalProperties: true },
    ),
  },
  { additionalProperties: true, description: 'What a new blast can use.' },
);

/** `GET /whatsapp/blast/options`: what the form for a new blast offers (placeholders, statuses, the time zone). */
export const blastOptionsRoutes: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (app, { ctx }) => {
  app.get('/whatsapp/blast/options', {
    schema: {
      tags: ['Blasts'],
      summary: 'What a new blast can use: placeholders, customer statuses, time zone, default quiet hours',
      response: { 200: BlastOptionsResponse, ...errorResponses(401) },
    },
  }, async () => {
    const { db } = ctx.database;
    const [keys, statuses] = await Promise.all([knownAttributeKeys(db), customerStatuses(db, MAX_STATUSES)]);
    return {
      success: true,
      data: {
        placeholders: [...CUSTOMER_FIELDS, ...[...keys].sort()],
        customer_statuses: statuses,
        time_zone: ctx.config.timeZone,
        quiet_hours: ctx.config.quietHours ? formatQuietHours(ctx.config.quietHours) : null,
      },
    };
  });
};
