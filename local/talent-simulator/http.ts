import type { IncomingMessage, ServerResponse } from 'node:http';
import { SimulatorHttpError } from './handlers';

const MAX_BODY_BYTES = 1024 * 1024;

/** Reads a request body of at most 1 MiB; a larger one raises a 413 error. */
export async function readBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) {
      throw new SimulatorHttpError(413, `request body is larger than ${MAX_BODY_BYTES} bytes`);
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

export async function drain(request: IncomingMessage): Promise<void> {
  for await (const _chunk of request) {
    // Discarded, because the response does not depend on the body.
  }
}

export function sendJson(
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  if (response.headersSent || response.destroyed) return;
  const text = JSON.stringify(body);
  response.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
    ...headers,
  });
  response.end(text);
}
