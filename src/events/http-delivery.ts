import http from 'node:http';
import https from 'node:https';
import { isIP } from 'node:net';
import { guardedLookup, hostOf, isPublicAddress } from './url-guard.js';

/**
 * POSTs one body to a subscriber. Keep-alive agents reuse connections to busy receivers; the
 * time-out covers the whole exchange, so a receiver that accepts and never answers costs one
 * delivery lane for at most `timeoutMs`, and never a sending lane.
 */
const agents = { http: new http.Agent({ keepAlive: true, maxSockets: 16 }), https: new https.Agent({ keepAlive: true, maxSockets: 16 }) };

/** Kept on a failed request: enough to diagnose, never the receiver's whole page. */
const MAX_ERROR_BODY = 200;

export type PostResult = { ok: true; status: number } | { ok: false; error: string };

export async function postJson(
  url: string,
  body: string,
  headers: Record<string, string>,
  options: { timeoutMs: number; allowPrivate: boolean },
): Promise<PostResult> {
  const target = new URL(url);
  const host = hostOf(target);
  // An address written in the URL is never looked up: check it here.
  if (!options.allowPrivate && isIP(host) && !isPublicAddress(host)) {
    return { ok: false, error: `${host} is a private, loopback or link-local address` };
  }
  const transport = target.protocol === 'https:' ? https : http;
  return new Promise<PostResult>((resolve) => {
    const request = transport.request(
      target,
      {
        method: 'POST',
        agent: target.protocol === 'https:' ? agents.https : agents.http,
        lookup: guardedLookup(options.allowPrivate),
        signal: AbortSignal.timeout(options.timeoutMs),
        headers: { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)), 'user-agent': 'whatsapp-blast-webhooks/1', ...headers },
      },
      (response) => {
        const status = response.statusCode ?? 0;
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => {
          if (text.length < MAX_ERROR_BODY) text += chunk;
        });
        response.on('end', () => {
          if (status >= 200 && status < 300) resolve({ ok: true, status });
          else resolve({ ok: false, error: `HTTP ${status}${text.trim() ? `: ${text.trim().slice(0, MAX_ERROR_BODY)}` : ''}` });
        });
        response.on('error', (error) => resolve({ ok: false, error: describe(error, options.timeoutMs) }));
      },
    );
    request.on('error', (error) => resolve({ ok: false, error: describe(error, options.timeoutMs) }));
    request.end(body);
  });
}

function describe(error: Error & { code?: string }, timeoutMs: number): string {
  if (error.name === 'AbortError' || error.name === 'TimeoutError') return `no answer within ${timeoutMs} ms`;
  if (error.code === 'ECONNREFUSED') return 'connection refused';
  return error.code && !error.message.includes(error.code) ? `${error.code}: ${error.message}` : error.message;
}
