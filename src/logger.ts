import pino, { type Logger } from 'pino';

/**
 * Structured JSON logs. Credentials are redacted by key wherever they appear; gateway secrets
 * are also scrubbed from error texts before they are logged or stored (gateways/registry.ts).
 */
export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      redact: {
        paths: [
          'req.headers.authorization',
          'req.headers.cookie',
          'headers.authorization',
          '*.password',
          '*.token',
          'password',
          'token',
          '*.FONNTE_TOKEN',
        ],
        censor: '[redacted]',
      },
    },
    destination,
  );
}
