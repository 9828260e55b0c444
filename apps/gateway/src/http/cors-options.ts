import type { CorsOptions } from '@nestjs/common/interfaces/external/cors-options.interface';
import { RESUME_TOKEN_HEADER } from './http-handshake';
import { IDEMPOTENCY_KEY_HEADER } from './idempotency-key';

/**
 * CORS for the HTTP routes from `CORS_ORIGINS` (`*` or a comma-separated list): the request headers the
 * protocol uses, and the response headers a page must read (Retry-After, the AI SDK's stream marker). No
 * cookies: credentials travel in headers.
 */
export function corsOptions(origins: string): CorsOptions {
  return {
    origin: origins.trim() === '*' ? true : origins.split(',').map((origin) => origin.trim()),
    methods: ['GET', 'POST'],
    allowedHeaders: [
      'authorization',
      'content-type',
      RESUME_TOKEN_HEADER,
      IDEMPOTENCY_KEY_HEADER,
      'last-event-id',
    ],
    exposedHeaders: ['retry-after', 'x-vercel-ai-ui-message-stream'],
    credentials: false,
    maxAge: 600,
  };
}
