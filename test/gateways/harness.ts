import type { Gateway } from '../../src/gateways/gateway.js';

/**
 * What the adapter contract suite (contract.test.ts) needs from one provider: its adapter, wired
 * to a local fake of the provider, and a way to make that fake answer each documented case.
 * One file per provider in harnesses/, default-exporting an AdapterHarness.
 */
export type Scenario =
  /** The provider accepts the message. */
  | 'success'
  /** The provider refuses this recipient (bad number, not on WhatsApp). */
  | 'recipient_error'
  /** The account/number can't send (bad token, quota, blocked). */
  | 'account_error'
  /** The provider's server fails (5xx): nothing was sent. */
  | 'server_error'
  /** HTTP 429 (or the provider's rate-limit answer) asking to wait 7 seconds. */
  | 'rate_limited_7s'
  /** The provider never answers. */
  | 'hang'
  /** A failure reported inside HTTP 200 — only for providers that do that (Fonnte, Watzap). */
  | 'failure_inside_200';

/** One send as the fake received it, decoded from the provider's wire format. */
export interface DecodedSend {
  /** The recipient as digits with country code (6281…), whatever prefix the provider uses. */
  to: string;
  /** The text or caption, null for a template without one. */
  text: string | null;
  /** True when the message carries an image (link, upload id or MediaUrl). */
  image: boolean;
  /** The template's name (Twilio: the ContentSid) and its rendered body parameters. */
  template: { name: string; params: string[] } | null;
}

export interface HarnessInstance {
  gateway: Gateway;
  /** Environment for the real service to send through this fake (WA_GATEWAY and credentials). */
  env: Record<string, string>;
  /** Every send the fake received, in order. */
  decodedSends(): DecodedSend[];
  /** Every credential the adapter was given: none may appear in an error message. */
  secrets: string[];
  /** Makes the fake answer every following request this way. */
  set(scenario: Scenario): void;
  /** How many send requests the fake has received (media uploads excluded). */
  sends(): number;
  /** The adapter for the same provider, pointed at a port where nothing listens. */
  unreachable(): Gateway;
  close(): Promise<void>;
}

export interface AdapterHarness {
  provider: string;
  /** Whether the provider returns a message id on success (Watzap does not). */
  returnsMessageId: boolean;
  supportsFailureInside200: boolean;
  supportsTemplates: boolean;
  start(): Promise<HarnessInstance>;
}

/** A loopback URL where nothing listens: a port taken from the OS, then released. */
export async function closedPortUrl(): Promise<string> {
  const { createServer } = await import('node:net');
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}
