import pino, { type Logger } from 'pino';
import { redactUrl, scrubLine } from './log-redaction.js';

/** Where a logger keeps the secret values it must never write (shared by its children). */
const SECRET_VALUES = Symbol('secretValues');

/**
 * Structured JSON logs. Credentials are redacted by key wherever they appear; gateway secrets
 * are also scrubbed from error texts before they are logged or stored (gateways/registry.ts);
 * and, last line of defence, every value given to `neverLog` is cut out of each line written.
 */
export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  const secrets = new Set<string>();
  const logger = pino(
    {
      level,
      redact: {
        paths: [
          'req.headers.authorization',
          'req.headers.cookie',
          'req.headers["x-api-key"]',
          'headers.authorization',
          '*.headers.authorization',
          'res.headers["set-cookie"]',
          ...['password', 'token', 'secret', 'apiKey', 'accessToken', 'authorization'].flatMap((key) => [key, `*.${key}`, `*.*.${key}`]),
          '*.FONNTE_TOKEN',
        ],
        censor: '[redacted]',
      },
      serializers: {
        // Fastify's request fields, with secrets in the URL (webhook path secrets, ?…token=) cut out.
        req: (req: { method: string; url: string; host?: string; ip?: string; socket?: { remotePort?: number } }) => ({
          method: req.method,
          url: redactUrl(req.url),
          host: req.host,
          remoteAddress: req.ip,
          remotePort: req.socket?.remotePort,
        }),
      },
      hooks: { streamWrite: (line) => scrubLine(line, secrets) },
    },
    destination,
  );
  Object.defineProperty(logger, SECRET_VALUES, { value: secrets });
  return logger;
}

/**
 * Values that must never be written by this logger or its children, whatever key or text they
 * hide in: provider credentials, the first admin's password, the metrics token.
 */
export function neverLog(logger: Logger, values: Iterable<string | undefined>): void {
  const secrets = (logger as unknown as Record<symbol, Set<string> | undefined>)[SECRET_VALUES];
  if (!secrets) return;
  // Very short values would cut ordinary words out of every line; providers' secrets are long.
  for (const value of values) if (value !== undefined && value.length >= 6) secrets.add(value);
}
