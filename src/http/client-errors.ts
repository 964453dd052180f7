import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { AppError, type ErrorCode } from '../errors.js';

/**
 * Answers the framework and Node's HTTP parser write before any route runs, in the API's one
 * error shape. Without these, Fastify writes `{"error","message","statusCode"}` of its own.
 */

/** Fastify's router: a path it cannot decode, or a path parameter over maxParamLength. */
export function frameworkErrors(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  const appError =
    error.code === 'FST_ERR_MAX_PARAM_LENGTH'
      ? new AppError('uri_too_long', 'A part of the path is too long (at most 100 characters).')
      : error.code === 'FST_ERR_BAD_URL'
        ? new AppError('bad_request', 'The path is not valid: it has a malformed percent-encoding.')
        : new AppError('bad_request', 'The request could not be routed.');
  request.log.info({ code: error.code }, 'request refused by the router');
  void reply.status(appError.status).send({ success: false, message: appError.message, errors: [] });
}

/** Node's HTTP parser errors (llhttp's codes) and the server's time-outs, by what they mean for the caller. */
const PARSER_ERRORS: Record<string, [ErrorCode, string]> = {
  ERR_HTTP_REQUEST_TIMEOUT: ['request_timeout', 'The request was not received in time.'],
  HPE_HEADER_OVERFLOW: ['headers_too_large', 'The request headers are too large (at most 16 KiB in all).'],
  HPE_INVALID_METHOD: ['bad_request', 'The request method is not valid HTTP.'],
  HPE_INVALID_URL: ['bad_request', 'The request path is not valid HTTP (a control character or space in it?).'],
  HPE_INVALID_CHUNK_SIZE: ['bad_request', 'The chunked request body is malformed.'],
  HPE_INVALID_CONTENT_LENGTH: ['bad_request', 'The Content-Length header is not valid.'],
  HPE_UNEXPECTED_CONTENT_LENGTH: ['bad_request', 'Content-Length and Transfer-Encoding may not be sent together.'],
  HPE_INVALID_TRANSFER_ENCODING: ['bad_request', 'The Transfer-Encoding header is not valid.'],
  HPE_INVALID_HEADER_TOKEN: ['bad_request', 'A request header is not valid HTTP.'],
  HPE_INVALID_VERSION: ['bad_request', 'The HTTP version is not valid.'],
};

/**
 * Fastify's clientErrorHandler: Node found the bytes on a connection are not an HTTP request it
 * can serve (or they came too slowly). There is no request object, so the answer is written to
 * the socket as raw HTTP, and the connection is closed (its framing can no longer be trusted).
 */
export function clientErrorHandler(error: NodeJS.ErrnoException, socket: Socket): void {
  // A reset connection has nobody to answer.
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const [code, message] = PARSER_ERRORS[error.code ?? ''] ?? ['bad_request', 'The request is not valid HTTP.'];
  const appError = new AppError(code, message);
  // A response already under way (a time-out while answering) cannot be replaced by another.
  const inProgress = (socket as Socket & { _httpMessage?: { headersSent?: boolean } })._httpMessage?.headersSent === true;
  if (!socket.writable || inProgress) {
    socket.destroy();
    return;
  }
  const body = JSON.stringify({ success: false, message: appError.message, errors: [] });
  const head =
    `HTTP/1.1 ${appError.status} ${STATUS_CODES[appError.status]}\r\n` +
    'Content-Type: application/json; charset=utf-8\r\n' +
    `Content-Length: ${Buffer.byteLength(body)}\r\n` +
    'Connection: close\r\n\r\n';
  // Closed once the answer is flushed: the rest of what the client sent cannot be framed any more.
  socket.end(head + body, () => socket.destroy());
}
