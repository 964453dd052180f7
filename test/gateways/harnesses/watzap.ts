import pino from 'pino';
import watzap from '../../../src/gateways/providers/watzap.js';
import { startFakeWatzap, type FakeWatzapAnswer } from '../../fakes/watzap-fake.js';
import { closedPortUrl, type AdapterHarness, type Scenario } from '../harness.js';

const API_KEY = 'watzap-contract-api-key-91c2';
const NUMBER_KEY = 'watzap-contract-number-key-4d8e';
const ANSWERS: Record<Scenario, FakeWatzapAnswer | undefined> = {
  success: undefined,
  recipient_error: { status: '1006' },
  account_error: { status: '1002' },
  server_error: { http: 502, body: '<html>502 Bad Gateway</html>' },
  rate_limited_7s: { http: 429, headers: { 'Retry-After': '7' } },
  hang: 'hang',
  failure_inside_200: { status: '1006' },
};
const SEND_PATHS = new Set(['/send_message', '/send_image_url']);

const harness: AdapterHarness = {
  provider: 'watzap',
  returnsMessageId: false,
  supportsFailureInside200: true,
  supportsTemplates: false,
  async start() {
    const fake = await startFakeWatzap({ apiKey: API_KEY, numberKey: NUMBER_KEY });
    const context = { logger: pino({ level: 'silent' }), publicBaseUrl: 'https://blast.example.test' };
    const make = (base: string) => watzap.create({ WATZAP_API_KEY: API_KEY, WATZAP_NUMBER_KEY: NUMBER_KEY, WATZAP_BASE_URL: base }, context);
    const closed = await closedPortUrl();
    const sendRequests = () => fake.requests.filter((r) => SEND_PATHS.has(r.path));
    return {
      gateway: make(fake.url),
      env: { WA_GATEWAY: 'watzap', WATZAP_API_KEY: API_KEY, WATZAP_NUMBER_KEY: NUMBER_KEY, WATZAP_BASE_URL: fake.url },
      decodedSends: () =>
        sendRequests().map((r) => ({
          to: String(r.json?.phone_no ?? ''),
          text: typeof r.json?.message === 'string' ? r.json.message : null,
          image: r.path === '/send_image_url',
          template: null,
        })),
      secrets: [API_KEY, NUMBER_KEY],
      set: (scenario) => {
        const answer = ANSWERS[scenario];
        fake.behaviour = answer === undefined ? undefined : () => answer;
      },
      sends: () => sendRequests().length,
      unreachable: () => make(`${closed}/v1`),
      close: () => fake.close(),
    };
  },
};
export default harness;
