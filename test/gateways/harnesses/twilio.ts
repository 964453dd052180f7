import pino from 'pino';
import twilio from '../../../src/gateways/providers/twilio.js';
import { startFakeTwilio, type FakeTwilioAnswer } from '../../fakes/twilio-fake.js';
import { closedPortUrl, type AdapterHarness, type DecodedSend, type Scenario } from '../harness.js';

const ACCOUNT_SID = `AC${'c0ffee'.repeat(5)}ab`;
const AUTH_TOKEN = 'twilio-contract-token-5e1d7b';
const FROM = '14155238886';
const ANSWERS: Record<Exclude<Scenario, 'failure_inside_200'>, FakeTwilioAnswer | undefined> = {
  success: undefined,
  recipient_error: { error: 21211, message: "Invalid 'To' Phone Number" },
  account_error: { error: 20003, http: 401, message: 'Authenticate' },
  server_error: { http: 500, body: { code: 20500, message: 'Internal Server Error', status: 500 } },
  // Twilio's REST 429; WhatsApp's own rate-limit code 63018 is classified the same way (twilio.test.ts).
  rate_limited_7s: { error: 20429, http: 429, message: 'Too Many Requests', headers: { 'Retry-After': '7' } },
  hang: 'hang',
};
const MESSAGES_PATH = /\/Messages\.json$/;

const harness: AdapterHarness = {
  provider: 'twilio',
  returnsMessageId: true,
  supportsFailureInside200: false,
  supportsTemplates: true,
  async start() {
    const fake = await startFakeTwilio({ accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN });
    const context = { logger: pino({ level: 'silent' }), publicBaseUrl: 'https://blast.example.test' };
    const make = (base: string) => twilio.create({ TWILIO_ACCOUNT_SID: ACCOUNT_SID, TWILIO_AUTH_TOKEN: AUTH_TOKEN, TWILIO_FROM: FROM, TWILIO_BASE_URL: base }, context);
    const closed = await closedPortUrl();
    const sendRequests = () => fake.requests.filter((r) => MESSAGES_PATH.test(r.path));
    return {
      gateway: make(fake.url),
      env: { WA_GATEWAY: 'twilio', TWILIO_ACCOUNT_SID: ACCOUNT_SID, TWILIO_AUTH_TOKEN: AUTH_TOKEN, TWILIO_FROM: FROM, TWILIO_BASE_URL: fake.url },
      decodedSends: () => sendRequests().map((r) => decode(r.form)),
      secrets: [AUTH_TOKEN],
      set: (scenario) => {
        if (scenario === 'failure_inside_200') throw new Error('twilio reports failures with HTTP error codes, never inside 201');
        const answer = ANSWERS[scenario];
        fake.behaviour = answer === undefined ? undefined : () => answer;
      },
      sends: () => sendRequests().length,
      unreachable: () => make(closed),
      close: () => fake.close(),
    };
  },
};
export default harness;

function decode(form: Record<string, string>): DecodedSend {
  return {
    to: (form.To ?? '').replace(/^whatsapp:\+?/, ''),
    text: form.Body ?? null,
    image: Boolean(form.MediaUrl),
    template: form.ContentSid === undefined ? null : { name: form.ContentSid, params: contentVariables(form.ContentVariables) },
  };
}

/** {"1":"Budi","2":"Juni"} → ["Budi","Juni"], in the order of the keys' numbers. */
function contentVariables(json: string | undefined): string[] {
  if (json === undefined) return [];
  const variables = JSON.parse(json) as Record<string, string>;
  return Object.keys(variables)
    .sort((a, b) => Number(a) - Number(b))
    .map((key) => variables[key]!);
}
