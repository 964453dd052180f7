import { Type, type Static } from '@sinclair/typebox';
import { Nullable, OPEN, SuccessTrue, Timestamp } from '../http/common.schema.js';
import { availableProviders } from '../gateways/registry.js';
import { MAX_IN_FLIGHT, MAX_PER_SECOND } from './pacing.js';

/** A pause longer than a day between two messages is a mistake, and would not fit the column. */
const MAX_PAUSE_MS = 86_400_000;
const MAX_DAILY_CAP = 1_000_000;
export const MAX_WARMUP_DAYS = 365;

const Name = Type.String({ minLength: 1, maxLength: 100, pattern: '\\S', example: 'Toko Bandung' });

/** The provider's own variables, checked against its settings by the service (the names vary by provider). */
const Credentials = Type.Record(Type.String(), Type.String({ minLength: 1, maxLength: 4096 }), {
  maxProperties: 20,
  writeOnly: true,
  description:
    "The provider's settings under the names of its environment variables (docs/providers.md), e.g. `FONNTE_TOKEN`. " +
    'Write-only: stored encrypted under SECRET_KEY, never returned. On PATCH the whole set is replaced.',
  example: { FONNTE_TOKEN: 'your-fonnte-device-token' },
});

const PauseMs = Nullable(
  Type.Integer({ minimum: 0, maximum: MAX_PAUSE_MS, description: "Null or absent: SEND_DELAY_MIN_MS / SEND_DELAY_MAX_MS, else the provider's default (docs/senders.md)." }),
);

const MaxInFlight = Nullable(
  Type.Integer({
    minimum: 1,
    maximum: MAX_IN_FLIGHT,
    description: "Requests waiting for the provider's answer at once, at most. Null or absent: SEND_MAX_IN_FLIGHT, else the provider's default (Meta, Twilio 32; others 1).",
  }),
);

const MaxPerSecond = Nullable(
  Type.Integer({
    minimum: 0,
    maximum: MAX_PER_SECOND,
    description:
      "Sends started in any one-second window, at most; 0: no limit (max_in_flight and the pause alone pace the number). Null or absent: SEND_MAX_PER_SECOND, else the provider's default (Meta, Twilio 80; others 1).",
  }),
);

const DailyCap = Nullable(Type.Integer({ minimum: 1, maximum: MAX_DAILY_CAP, description: 'Sends per local day (TIMEZONE); null: no cap.' }));

const Warmup = Nullable(
  Type.Object(
    {
      start_cap: Type.Integer({ minimum: 1, maximum: MAX_DAILY_CAP, description: 'The cap on day 0; at most daily_cap.' }),
      days: Type.Integer({ minimum: 1, maximum: MAX_WARMUP_DAYS, description: 'Days until the cap reaches daily_cap.' }),
    },
    { additionalProperties: false, description: 'The cap grows in equal steps from start_cap to daily_cap. Needs daily_cap; null: none.' },
  ),
);

const State = Type.Union([Type.Literal('active'), Type.Literal('paused')]);
const PausedReason = Type.String({ minLength: 1, maxLength: 500, description: 'With state `paused`: why (default "paused by an admin").' });

/** Fields that POST and PATCH share. */
const settings = {
  name: Type.Optional(Nullable(Name)),
  credentials: Type.Optional(Credentials),
  pause_min_ms: Type.Optional(PauseMs),
  pause_max_ms: Type.Optional(PauseMs),
  max_in_flight: Type.Optional(MaxInFlight),
  max_per_second: Type.Optional(MaxPerSecond),
  daily_cap: Type.Optional(DailyCap),
  warmup: Type.Optional(Warmup),
  state: Type.Optional(State),
  paused_reason: Type.Optional(PausedReason),
};

export const SenderCreate = Type.Object(
  {
    ...settings,
    provider: Type.String({ minLength: 1, maxLength: 50, description: `One of: ${availableProviders().join(', ')}.`, example: 'fonnte' }),
    display_number: Type.String({ minLength: 1, maxLength: 40, description: 'The WhatsApp number, as typed; stored as digits with the country code.', example: '0812-3456-7890' }),
  },
  {
    additionalProperties: false,
    examples: [{ name: 'Toko Bandung', provider: 'fonnte', display_number: '0812-3456-7890', credentials: { FONNTE_TOKEN: 'your-fonnte-device-token' }, daily_cap: 500, warmup: { start_cap: 50, days: 14 } }],
  },
);
export type SenderCreate = Static<typeof SenderCreate>;

/** `provider` is absent on purpose: another provider means other credentials, so another sender. */
export const SenderPatch = Type.Object(
  { ...settings, display_number: Type.Optional(Type.String({ minLength: 1, maxLength: 40 })) },
  { additionalProperties: false, minProperties: 1, examples: [{ state: 'active' }, { credentials: { FONNTE_TOKEN: 'the-new-token' } }] },
);
export type SenderPatch = Static<typeof SenderPatch>;

/** What the API answers for a sender (see toSenderResponse); never a credential value. */
export const SenderResponse = Type.Object(
  {
    id: Type.Integer(),
    name: Nullable(Type.String()),
    provider: Type.String(),
    display_number: Nullable(Type.String({ description: 'Digits with the country code.' })),
    source: Type.Union([Type.Literal('environment'), Type.Literal('api')], { description: '`environment`: WA_GATEWAY and its variables.' }),
    has_credentials: Type.Boolean({ description: 'Credentials are stored for it (they are never shown).' }),
    pause_min_ms: Type.Integer({ description: "In effect: its own value, SEND_DELAY_MIN_MS or the provider's default." }),
    pause_max_ms: Type.Integer({ description: "In effect: its own value, SEND_DELAY_MAX_MS or the provider's default." }),
    max_in_flight: Type.Integer({ description: "In effect: its own value, SEND_MAX_IN_FLIGHT or the provider's default." }),
    max_per_second: Type.Integer({ description: "In effect: its own value, SEND_MAX_PER_SECOND or the provider's default." }),
    slowed_down: Nullable(
      Type.Object(
        {
          max_in_flight: Type.Integer(),
          max_per_second: Type.Number(),
          since: Timestamp,
        },
        { ...OPEN, description: "The provider answered with throughput errors: the number sends at this lower rate, and speeds up again by itself." },
      ),
    ),
    daily_cap: Nullable(Type.Integer()),
    warmup: Nullable(Type.Object({ start_cap: Type.Integer(), days: Type.Integer(), started_at: Timestamp }, OPEN)),
    today: Type.Object(
      {
        day: Type.String({ description: 'The local day in TIMEZONE, YYYY-MM-DD.' }),
        sent: Type.Integer({ description: 'Requests made to the provider today.' }),
        cap: Nullable(Type.Integer({ description: "Today's cap (with the warm-up); null: none." })),
      },
      OPEN,
    ),
    state: State,
    paused_reason: Nullable(Type.String()),
    paused_by: Nullable(Type.Union([Type.Literal('admin'), Type.Literal('provider')])),
    paused_at: Nullable(Timestamp),
    resting_until: Nullable(Type.String({ format: 'date-time', description: "The day's cap is used up: no sends until then." })),
    next_send_at: Nullable(Timestamp),
    created_at: Timestamp,
    updated_at: Nullable(Timestamp),
  },
  OPEN,
);

const SENDER_EXAMPLE = {
  id: 2,
  name: 'Toko Bandung',
  provider: 'fonnte',
  display_number: '6281234567890',
  source: 'api',
  has_credentials: true,
  pause_min_ms: 3000,
  pause_max_ms: 5000,
  max_in_flight: 1,
  max_per_second: 1,
  slowed_down: null,
  daily_cap: 500,
  warmup: { start_cap: 50, days: 14, started_at: '2025-06-01T08:00:00.000Z' },
  today: { day: '2025-06-03', sent: 12, cap: 114 },
  state: 'active',
  paused_reason: null,
  paused_by: null,
  paused_at: null,
  resting_until: null,
  next_send_at: '2025-06-03T08:00:04.000Z',
  created_at: '2025-06-01T08:00:00.000Z',
  updated_at: '2025-06-01T08:00:00.000Z',
};

export const SenderListResponse = Type.Object(
  { success: SuccessTrue, data: Type.Array(SenderResponse) },
  { ...OPEN, description: 'Every sender that is not deleted, by id.', examples: [{ success: true, data: [SENDER_EXAMPLE] }] },
);
export const SenderOneResponse = Type.Object(
  { success: SuccessTrue, data: SenderResponse },
  { ...OPEN, description: 'The sender.', examples: [{ success: true, data: SENDER_EXAMPLE }] },
);
export const SenderDeletedResponse = Type.Object(
  { success: SuccessTrue, data: Type.Object({ id: Type.Integer(), deleted: Type.Literal(true) }, OPEN) },
  { ...OPEN, description: 'The sender is deleted.', examples: [{ success: true, data: { id: 2, deleted: true } }] },
);

const ProviderSetting = Type.Object(
  {
    name: Type.String({ description: 'The credential\'s name, as its environment variable (docs/providers.md).', example: 'FONNTE_TOKEN' }),
    required: Type.Boolean({ description: 'Must be given (it has no default).' }),
    secret: Type.Boolean({ description: 'A token or key: never logged.' }),
    default: Nullable(Type.String({ description: 'Used when it is not given.' })),
    choices: Nullable(Type.Array(Type.String(), { description: 'The only values it takes, when it is a choice.' })),
  },
  OPEN,
);

export const ProviderListResponse = Type.Object(
  {
    success: SuccessTrue,
    data: Type.Array(Type.Object({ name: Type.String(), credentials: Type.Array(ProviderSetting) }, OPEN)),
  },
  {
    ...OPEN,
    description: 'The providers a sender can use, with the credentials each takes.',
    examples: [
      {
        success: true,
        data: [
          {
            name: 'fonnte',
            credentials: [
              { name: 'FONNTE_TOKEN', required: true, secret: true, default: null, choices: null },
              { name: 'FONNTE_BASE_URL', required: false, secret: false, default: 'https://api.fonnte.com', choices: null },
            ],
          },
        ],
      },
    ],
  },
);
