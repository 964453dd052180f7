/**
 * The senders a blast uses when it names none: every sender, except that the `log` provider
 * (which only writes messages to the service log) joins only when there is no real sender.
 * Otherwise a service set up with real numbers through the API, but still running the default
 * WA_GATEWAY=log, would quietly "send" a share of every blast into its log.
 */
export function defaultSenderIds(senders: readonly { id: number; provider: string }[]): number[] {
  const real = senders.filter((s) => s.provider !== 'log');
  return (real.length > 0 ? real : senders).map((s) => s.id);
}
