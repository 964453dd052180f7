import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import cors from '@fastify/cors';
import helmet from '@fastify/helmet';
import rateLimit, { normalizeIP } from '@fastify/rate-limit';
import type { Config } from '../config.js';
import { AppError } from '../errors.js';

const LOGIN_ROUTE = '/api/v1/auth/login';
const API_PREFIX = '/api/v1/';
const DOCS_PREFIX = '/docs';
const WINDOW_MS = 60_000;

/** The API answers JSON only: nothing in it may load, frame or run anything. */
const API_CSP = "default-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
/**
 * The interactive docs (Swagger UI, served locally) load their own scripts, styles and the
 * OpenAPI document from here, add inline style attributes, and show data: images.
 */
const DOCS_CSP =
  "default-src 'self'; base-uri 'self'; connect-src 'self'; font-src 'self' data:; form-action 'self'; " +
  "frame-ancestors 'none'; img-src 'self' data:; object-src 'none'; script-src 'self'; script-src-attr 'none'; " +
  "style-src 'self' 'unsafe-inline'";

/**
 * The admin console (its pages and built assets): everything from this origin only. Images may
 * also be blob:/data: URLs, for the preview of an image the admin picks before uploading it.
 */
export const CONSOLE_CSP =
  "default-src 'self'; base-uri 'self'; connect-src 'self'; font-src 'self'; form-action 'self'; " +
  "frame-ancestors 'none'; img-src 'self' blob: data:; object-src 'none'; script-src 'self'; script-src-attr 'none'; " +
  "style-src 'self'";

type Limiter = ReturnType<FastifyInstance['createRateLimit']>;

/**
 * Security headers, CORS and rate limits for the whole app. Installed on the root instance
 * before any route, like the error handler, so every route gets them.
 *
 * Rate limits are counted in this process's memory: with several API processes each one counts
 * on its own (a client may get N × the limit), and a restart forgets the counts.
 */
export async function installProtection(app: FastifyInstance, config: Readonly<Config>): Promise<void> {
  // CSP is set below, per kind of page (the console's routes set CONSOLE_CSP); helmet sets every other header.
  await app.register(helmet, { global: true, contentSecurityPolicy: false });
  app.addHook('onRequest', async (request, reply) => {
    const path = request.url.split('?')[0] ?? '';
    const isDocs = path === DOCS_PREFIX || path.startsWith(`${DOCS_PREFIX}/`);
    reply.header('content-security-policy', isDocs ? DOCS_CSP : API_CSP);
  });

  // No CORS_ORIGINS: no CORS headers at all, so browsers on other origins are refused.
  if (config.corsOrigins.length > 0) {
    await app.register(cors, {
      origin: [...config.corsOrigins],
      methods: ['GET', 'HEAD', 'POST', 'PATCH', 'DELETE'],
      allowedHeaders: ['authorization', 'content-type', 'idempotency-key', 'x-request-id'],
      exposedHeaders: ['x-request-id', 'retry-after', 'x-ratelimit-limit', 'x-ratelimit-remaining', 'x-ratelimit-reset'],
      maxAge: 600,
    });
  }

  await app.register(rateLimit, { global: false });
  // Per IP (IPv6 by /64, the plugin's default key) and per email: a password guesser is slowed
  // whether it tries many passwords on one account or one password on many accounts.
  const loginPerIp = app.createRateLimit({ max: config.loginRateLimitPerIp, timeWindow: WINDOW_MS });
  const loginPerEmail = app.createRateLimit({
    max: config.loginRateLimitPerEmail,
    timeWindow: WINDOW_MS,
    keyGenerator: (request) => `email:${emailOf(request) ?? `-${request.ip}`}`,
  });
  const perToken = app.createRateLimit({ max: config.apiRateLimitPerMinute, timeWindow: WINDOW_MS, keyGenerator: callerKey });

  app.addHook('onRequest', async (request, reply) => {
    const route = request.routeOptions.url;
    if (route === LOGIN_ROUTE) await enforce(loginPerIp, request, reply, 'Too many login attempts from this address');
    else if (route?.startsWith(API_PREFIX)) await enforce(perToken, request, reply, 'Too many requests with this token', true);
  });
  // The email is in the body: counted once it is parsed, before it is validated.
  app.addHook('preValidation', async (request, reply) => {
    if (request.routeOptions.url === LOGIN_ROUTE) await enforce(loginPerEmail, request, reply, 'Too many login attempts for this email');
  });
}

/** Counts the request; over the limit, answers 429 with Retry-After in the API's error shape. */
async function enforce(limiter: Limiter, request: FastifyRequest, reply: FastifyReply, what: string, showQuota = false): Promise<void> {
  const result = await limiter(request);
  if (result.isAllowed) return;
  if (showQuota) {
    reply.header('x-ratelimit-limit', result.max);
    reply.header('x-ratelimit-remaining', result.remaining);
    reply.header('x-ratelimit-reset', result.ttlInSeconds);
  }
  if (!result.isExceeded) return;
  const seconds = Math.max(1, result.ttlInSeconds);
  reply.header('retry-after', seconds);
  request.log.warn({ limit: what }, 'rate limited');
  throw new AppError('rate_limited', `${what}; try again in ${seconds} seconds.`);
}

function emailOf(request: FastifyRequest): string | undefined {
  const email = (request.body as { email?: unknown } | undefined)?.email;
  return typeof email === 'string' ? email.trim().toLowerCase().slice(0, 320) : undefined;
}

/** A bearer token's hash (never the token itself in memory), else the caller's address. */
function callerKey(request: FastifyRequest): string {
  const token = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? '')?.[1];
  if (token) return `token:${createHash('sha256').update(token).digest('base64url')}`;
  return `ip:${normalizeIP(request.ip)}`;
}
