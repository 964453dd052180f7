import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppContext } from '../app-context.js';
import { AppError } from '../errors.js';
import { authenticate, login, type Admin } from './auth.service.js';
import { LoginBody, LoginResponse } from './auth.schema.js';
import { errorResponses } from '../http/common.schema.js';
import { requiresBearerToken } from '../http/openapi.js';

declare module 'fastify' {
  interface FastifyRequest {
    admin: Admin;
  }
}

export const authRoutes: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (app, { ctx }) => {
  const loginSchema = {
    tags: ['Auth'],
    summary: 'Log in: exchange email and password for a bearer token',
    body: LoginBody,
    response: { 200: LoginResponse, ...errorResponses(400, 401, 415, 422) },
  };
  app.post('/auth/login', { schema: loginSchema }, async (request) => {
    const now = ctx.clock.now();
    const result = await login(ctx.database.db, request.body, { tokenTtlMs: ctx.config.tokenTtlMs, now });
    return { success: true, token: result.token, expires_at: new Date(result.expiresAt).toISOString(), admin: result.admin };
  });
};

/** Every route registered after this hook, in the same plugin, needs a live bearer token. */
export function requireAdmin(app: FastifyInstance, ctx: AppContext): void {
  app.decorateRequest('admin', null as unknown as Admin);
  requiresBearerToken(app);
  app.addHook('onRequest', async (request: FastifyRequest) => {
    const header = request.headers.authorization;
    const match = header ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
    if (!match) throw new AppError('unauthorized', 'An "Authorization: Bearer <token>" header is required.');
    request.admin = await authenticate(ctx.database.db, match[1]!, ctx.clock.now());
  });
}
