/**
 * The one API client of the console: openapi-fetch typed by schema.d.ts, which is generated
 * from the service's OpenAPI document (`npm run console:api`), so a call that does not match
 * the API does not compile. Every call carries the session's token; a 401 ends the session.
 */
import createClient, { type Middleware } from 'openapi-fetch';
import { currentSession, endSession } from '../auth/session';
import type { components, paths } from './schema';

export type ErrorBody = components['schemas']['ErrorBody'];
export type FieldError = ErrorBody['errors'][number];

const auth: Middleware = {
  onRequest({ request }) {
    const session = currentSession();
    if (session && !request.headers.has('authorization')) request.headers.set('authorization', `Bearer ${session.token}`);
    return request;
  },
  onResponse({ response, request }) {
    // A refused login is a wrong password, not an expired session.
    if (response.status === 401 && !new URL(request.url).pathname.endsWith('/auth/login')) endSession('expired');
    return response;
  },
};

export const api = createClient<paths>({ baseUrl: location.origin });
api.use(auth);

/** Thrown by `need` for an answer that is not a success: the server's message and field errors. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly errors: FieldError[] = [],
  ) {
    super(message);
  }
}

/**
 * The data of a successful call, or an ApiError with the server's message. For the common
 * `const x = need(await api.GET(...))` shape, where a page shows the message on failure.
 */
export function need<T>(result: { data?: T; error?: unknown; response: Response }): T {
  if (result.data !== undefined && result.response.ok) return result.data;
  const body = result.error as Partial<ErrorBody> | undefined;
  const message = typeof body?.message === 'string' ? body.message : `${result.response.status} ${result.response.statusText}`;
  throw new ApiError(result.response.status, message, Array.isArray(body?.errors) ? body.errors : []);
}

/** The bearer header for the few calls made with plain fetch (the event stream). */
export function authHeaders(): Record<string, string> {
  const session = currentSession();
  return session ? { authorization: `Bearer ${session.token}` } : {};
}

/** After a plain fetch: a 401 ends the session, like every client call. */
export function noticeUnauthorized(response: Response): void {
  if (response.status === 401) endSession('expired');
}
