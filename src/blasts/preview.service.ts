import type { BlastContext } from './blasts.service.js';
import { checkBlastRequest } from './blasts.service.js';
import type { BlastRequest } from './blasts.schema.js';
import { countAudience, OPTED_OUT, sampleAudience } from './recipients.repository.js';
import { customerValues, renderMessage } from './template.js';

/**
 * What a blast would send to its first `limit` customers: the same checks as a real blast, the
 * same rendering (a spintax variant is picked per customer, as it would be), nothing stored or
 * sent; and how many customers the audience has now, and how many of them would be sent to.
 */
export async function previewBlast(ctx: BlastContext, request: BlastRequest, limit: number) {
  const { message, template, targetParams } = await checkBlastRequest(ctx, request, null);
  const target = { target_type: request.target_type, target_params: targetParams };
  const [customers, audience] = await Promise.all([sampleAudience(ctx.db, ctx.engine, target, limit), countAudience(ctx.db, ctx.engine, target)]);
  const blast = { message_template: message, template: template ? JSON.stringify(template) : null };
  const data = customers.map((customer) => {
    const base = { customer_id: Number(customer.id), name: customer.name, whatsapp_number: customer.phone_normalized };
    const reason = customer.opted_out_at !== null ? OPTED_OUT : customer.phone_normalized === null ? (customer.phone_error ?? 'no phone number') : undefined;
    const rendered = renderMessage(blast, customerValues(customer));
    if (!rendered.ok) return { ...base, would_send: false, reason: `no value for ${rendered.missing.map((m) => `{${m}}`).join(', ')}`, text: null };
    return {
      ...base,
      would_send: reason === undefined,
      reason: reason ?? null,
      text: rendered.text,
      template_params: rendered.template?.bodyParams,
    };
  });
  return { data, audience: { ...audience, skipped: audience.total - audience.sendable } };
}
