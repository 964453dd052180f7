import pino from 'pino';
import fonnte from '../../../src/gateways/providers/fonnte.js';
import { startFakeFonnte, type FakeAnswer } from '../../fakes/fonnte-fake.js';
import { closedPortUrl, type AdapterHarness, type Scenario } from '../harness.js';

const TOKEN = 'fonnte-contract-token-7f3a9c';
const ANSWERS: Record<Scenario, FakeAnswer | undefined> = {
  success: undefined,
  recipient_error: { fail: 'target invalid' },
  account_error: { fail: 'token invalid' },
  server_error: { http: 503 },
  rate_limited_7s: { http: 429, headers: { 'retry-after': '7' } },
  hang: 'hang',
  failure_inside_200: { fail: 'target invalid' },
};

const harness: AdapterHarness = {
  provider: 'fonnte',
  returnsMessageId: true,
  supportsFailureInside200: true,
  supportsTemplates: false,
  async start() {
    const fake = await startFakeFonnte({ token: TOKEN });
    const context = { logger: pino({ level: 'silent' }), publicBaseUrl: 'https://blast.example.test' };
    const make = (base: string) => fonnte.create({ FONNTE_TOKEN: TOKEN, FONNTE_BASE_URL: base }, context);
    const closed = await closedPortUrl();
    return {
      gateway: make(fake.url),
      env: { WA_GATEWAY: 'fonnte', FONNTE_TOKEN: TOKEN, FONNTE_BASE_URL: fake.url },
      decodedSends: () =>
        fake.requests
          .filter((r) => r.path === '/send')
          .map((r) => ({ to: r.form.target ?? '', text: r.form.message ?? null, image: Boolean(r.form.url), template: null })),
      secrets: [TOKEN],
      set: (scenario) => {
        const answer = ANSWERS[scenario];
        fake.behaviour = answer === undefined ? undefined : () => answer;
      },
      sends: () => fake.requests.filter((r) => r.path === '/send').length,
      unreachable: () => make(closed),
      close: () => fake.close(),
    };
  },
};
export default harness;
