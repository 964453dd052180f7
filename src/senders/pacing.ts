/**
 * How fast one sending number may send. Every value comes from the first of: the sender's own
 * setting (senders API), the environment (SEND_MAX_IN_FLIGHT, SEND_MAX_PER_SECOND,
 * SEND_DELAY_MIN_MS, SEND_DELAY_MAX_MS), the provider's default below.
 */
export interface Pacing {
  /** Requests of this number that may be waiting for the provider's answer at the same time. */
  maxInFlight: number;
  /** Sends started in any one-second window, at most; 0: no limit (only maxInFlight and the pause pace the number). */
  maxPerSecond: number;
  /** A random pause in [min, max] ms between two sends (from the end of one to the start of the next when one is in flight at a time). */
  pauseMinMs: number;
  pauseMaxMs: number;
}

export const MAX_IN_FLIGHT = 100;
/** Meta's highest throughput tier is 1,000 messages per second per number. */
export const MAX_PER_SECOND = 1000;

/**
 * An unofficial gateway drives one phone: one message at a time with a human-looking random
 * pause, or the number gets banned. Also what a provider not listed below gets.
 */
const ONE_PHONE: Pacing = { maxInFlight: 1, maxPerSecond: 1, pauseMinMs: 3000, pauseMaxMs: 5000 };

/**
 * The official APIs queue and pace on their side: Meta allows 80 messages/s per number by
 * default (130429 beyond it), Twilio's WhatsApp senders 80 MPS by default. Thirty-two requests
 * in flight reach 80/s as long as the provider answers within 400 ms (the Cloud API takes
 * ~150–300 ms); eight would hold a number answered in 250 ms to 32/s. A worker killed mid-send
 * leaves at most that many recipients "delivery unknown".
 */
const OFFICIAL_API: Pacing = { maxInFlight: 32, maxPerSecond: 80, pauseMinMs: 0, pauseMaxMs: 0 };

const PROVIDER_PACING: Readonly<Record<string, Pacing>> = {
  meta: OFFICIAL_API,
  twilio: OFFICIAL_API,
  fonnte: ONE_PHONE,
  watzap: ONE_PHONE,
  log: ONE_PHONE,
};

export function providerPacing(provider: string): Pacing {
  return PROVIDER_PACING[provider] ?? ONE_PHONE;
}

/** A sender's own settings (null: not set). */
export interface OwnPacing {
  max_in_flight: number | null;
  max_per_second: number | null;
  pause_min_ms: number | null;
  pause_max_ms: number | null;
}

/** The environment's SEND_* variables (undefined: not set). */
export type EnvironmentPacing = Partial<Pacing>;

/** The pacing in effect for a sender. */
export function pacingOf(own: OwnPacing, environment: EnvironmentPacing, provider: string): Pacing {
  const defaults = providerPacing(provider);
  const pauseMinMs = own.pause_min_ms ?? environment.pauseMinMs ?? defaults.pauseMinMs;
  const pauseMaxMs = own.pause_max_ms ?? environment.pauseMaxMs ?? defaults.pauseMaxMs;
  return {
    maxInFlight: own.max_in_flight ?? environment.maxInFlight ?? defaults.maxInFlight,
    maxPerSecond: own.max_per_second ?? environment.maxPerSecond ?? defaults.maxPerSecond,
    pauseMinMs,
    // Only one of SEND_DELAY_MIN_MS / SEND_DELAY_MAX_MS set, above the provider's other bound:
    // the range narrows to the given value (the API refuses such a pair for a sender's own values).
    pauseMaxMs: Math.max(pauseMinMs, pauseMaxMs),
  };
}

/** Halvings of the rate after the provider's throughput errors, at most (1/64 of the rate). */
export const MAX_SLOWDOWN = 6;

/** The pacing after `slowdown` halvings: the rate and the requests in flight (at least one). */
export function slowedDown(pacing: Pacing, slowdown: number): Pacing {
  const factor = 2 ** Math.max(0, Math.min(slowdown, MAX_SLOWDOWN));
  return { ...pacing, maxInFlight: Math.max(1, Math.floor(pacing.maxInFlight / factor)), maxPerSecond: pacing.maxPerSecond / factor };
}
