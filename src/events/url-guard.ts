import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { isIP, type LookupFunction } from 'node:net';
import ipaddr from 'ipaddr.js';

/**
 * Where the service may send events. A subscriber's URL is chosen by whoever holds an admin
 * token, and the request comes from inside the operator's network: without this check a URL
 * could reach the database, a cloud metadata endpoint (169.254.169.254) or an admin port.
 * Only public unicast addresses pass, unless WEBHOOK_ALLOW_PRIVATE_URLS=true (tests, local set-ups).
 */
export function isPublicAddress(address: string): boolean {
  if (!ipaddr.isValid(address)) return false;
  // process() turns an IPv4-mapped IPv6 address (::ffff:10.0.0.1) into the IPv4 address it is.
  return ipaddr.process(address).range() === 'unicast';
}

/** Why this URL may not be a subscriber, or undefined when it may (the host's addresses are checked again at each delivery). */
export async function urlProblem(url: string, allowPrivate: boolean): Promise<string | undefined> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'must be an absolute http or https URL';
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return 'must be an http or https URL';
  if (parsed.username || parsed.password) return 'must not carry a user name or password';
  if (allowPrivate) return undefined;
  const host = hostOf(parsed);
  try {
    const addresses = isIP(host) ? [host] : (await resolveAll(host)).map((a) => a.address);
    const blocked = addresses.find((a) => !isPublicAddress(a));
    if (blocked) return `points at ${blocked}, a private, loopback or link-local address (allowed only with WEBHOOK_ALLOW_PRIVATE_URLS=true)`;
  } catch {
    return `its host ${host} cannot be resolved`;
  }
  return undefined;
}

/** The host without IPv6 brackets. */
export function hostOf(url: URL): string {
  return url.hostname.replace(/^\[|\]$/g, '');
}

function resolveAll(host: string): Promise<LookupAddress[]> {
  return new Promise((resolve, reject) => dnsLookup(host, { all: true }, (error, addresses) => (error ? reject(error) : resolve(addresses))));
}

/**
 * A `lookup` for the HTTP agent: resolves the name, refuses it if any of its addresses is not
 * public, and hands the socket the address it checked. The connection goes to exactly that
 * address, so a name re-pointed at an internal address after the subscription was saved (or
 * between a check and the connect, "DNS rebinding") is refused.
 */
export function guardedLookup(allowPrivate: boolean): LookupFunction {
  return (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (error, addresses) => {
      if (error) return callback(error, '', 0);
      const list = addresses as LookupAddress[];
      const blocked = allowPrivate ? undefined : list.find((a) => !isPublicAddress(a.address));
      if (blocked || list.length === 0) {
        const refusal = Object.assign(new Error(`${hostname} resolves to ${blocked?.address ?? 'nothing'}, a private, loopback or link-local address`), {
          code: 'EWEBHOOKADDRESS',
        });
        return callback(refusal, '', 0);
      }
      if ((options as { all?: boolean }).all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, list);
      return callback(null, list[0]!.address, list[0]!.family);
    });
  };
}
