import { timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

/** Compares two strings in constant time for equal lengths. */
export function safeEqual(presented: string, expected: string): boolean {
  const a = Buffer.from(presented, 'utf8');
  const b = Buffer.from(expected, 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Tells whether the request carries `Authorization: Bearer <credential>`. */
export function hasBearer(headers: IncomingHttpHeaders, credential: string): boolean {
  const match = /^Bearer (.+)$/.exec(headers.authorization ?? '');
  return match?.[1] !== undefined && safeEqual(match[1], credential);
}

export function notFound(what: string) {
  return { status: 404, body: { message: `${what} not found` } };
}
