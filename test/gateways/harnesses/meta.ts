import pino from 'pino';
import meta from '../../../src/gateways/providers/meta.js';
import { startFakeMeta, type FakeMetaAnswer, type FakeMetaRequest } from '../../fakes/meta-fake.js';
import { closedPortUrl, type AdapterHarness, type DecodedSend, type Scenario } from '../harness.js';

const TOKEN = 'EAAG-meta-contract-token-5d1e8b';
const PHONE_NUMBER_ID = '106540352242922';
const APP_SECRET = 'meta-contract-app-secret-91c2';
const VERIFY_TOKEN = 'meta-contract-verify-token-3f7a';

const ANSWERS: Record<Scenario, FakeMetaAnswer | undefined> = {
  success: undefined,
  recipient_error: { error: { code: 131026, message: 'Message undeliverable' } },
  account_error: { error: { code: 190, message: 'Invalid OAuth access token - Cannot parse access token', httpStatus: 401 } },
  server_error: { http: 500, body: { error: { message: 'An unknown error occurred', type: 'OAuthException', code: 131000 } } },
  rate_limited_7s: { error: { code: 130429, message: 'Rate limit hit' }, headers: { 'retry-after': '7' } },
  hang: 'hang',
  failure_inside_200: undefined, // Meta never reports a failure inside HTTP 200
};

const isSend = (r: FakeMetaRequest) => r.path.endsWith('/messages');

/** A /messages body in the contract's terms. */
export function decodeMetaSend(json: Record<string, unknown> | undefined): DecodedSend {
  const body = (json ?? {}) as {
    to?: string;
    text?: { body?: string };
    image?: { caption?: string };
    template?: { name?: string; components?: { type?: string; parameters?: { type?: string; text?: string }[] }[] };
  };
  const components = body.template?.components ?? [];
  const parameters = (type: string) => components.filter((c) => c.type === type).flatMap((c) => c.parameters ?? []);
  return {
    to: body.to ?? '',
    text: body.text?.body ?? body.image?.caption ?? null,
    image: body.image !== undefined || parameters('header').some((p) => p.type === 'image'),
    template: body.template ? { name: body.template.name ?? '', params: parameters('body').map((p) => p.text ?? '') } : null,
  };
}

const harness: AdapterHarness = {
  provider: 'meta',
  returnsMessageId: true,
  supportsFailureInside200: false,
  supportsTemplates: true,
  async start() {
    const fake = await startFakeMeta({ accessToken: TOKEN, phoneNumberId: PHONE_NUMBER_ID });
    const context = { logger: pino({ level: 'silent' }), publicBaseUrl: 'https://blast.example.test' };
    const settings = {
      META_ACCESS_TOKEN: TOKEN,
      META_PHONE_NUMBER_ID: PHONE_NUMBER_ID,
      META_APP_SECRET: APP_SECRET,
      META_VERIFY_TOKEN: VERIFY_TOKEN,
      META_IMAGE_MODE: 'upload' as const,
    };
    const make = (base: string) => meta.create({ ...settings, META_API_BASE_URL: base }, context);
    const closed = `${await closedPortUrl()}/v21.0`;
    return {
      gateway: make(fake.url),
      env: { WA_GATEWAY: 'meta', ...settings, META_API_BASE_URL: fake.url },
      decodedSends: () => fake.requests.filter(isSend).map((r) => decodeMetaSend(r.json)),
      secrets: [TOKEN, APP_SECRET, VERIFY_TOKEN],
      set: (scenario) => {
        const answer = ANSWERS[scenario];
        fake.behaviour = answer === undefined ? undefined : () => answer;
      },
      sends: () => fake.requests.filter(isSend).length,
      unreachable: () => make(closed),
      close: () => fake.close(),
    };
  },
};
export default harness;
