/** What `createLogger` does to text before it is written: pure functions, tested on their own. */

const SECRET_QUERY_KEY = /token|secret|key|password|signature|auth/i;

/**
 * A request URL fit for the logs: a webhook's secret path segment (`/webhooks/fonnte/<secret>`)
 * and any query parameter whose name says it is a credential (`hub.verify_token`) are replaced.
 */
export function redactUrl(url: string | undefined): string | undefined {
  if (url === undefined) return undefined;
  const [path = '', query] = url.split(/\?(.*)/s, 2);
  const safePath = path.replace(/^(\/webhooks\/[^/]+\/)[^/?]+/, '$1[redacted]');
  if (query === undefined) return safePath;
  const params = new URLSearchParams(query);
  for (const key of new Set(params.keys())) if (SECRET_QUERY_KEY.test(key)) params.set(key, '[redacted]');
  return `${safePath}?${params.toString()}`;
}

/** Cuts every secret out of one serialized log line, as written and as JSON-escaped. */
export function scrubLine(line: string, secrets: ReadonlySet<string>): string {
  let result = line;
  for (const secret of secrets) {
    if (result.includes(secret)) result = result.split(secret).join('[redacted]');
    const escaped = JSON.stringify(secret).slice(1, -1);
    if (escaped !== secret && result.includes(escaped)) result = result.split(escaped).join('[redacted]');
  }
  return result;
}
