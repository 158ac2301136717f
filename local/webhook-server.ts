import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { lambdaContext } from './lambda-context';
import { LOOPBACK, type LocalServer } from './servers';

type HttpHandler = (
  event: APIGatewayProxyEventV2,
  context: Context,
) => Promise<APIGatewayProxyStructuredResultV2>;

/** API Gateway HTTP APIs reject request bodies over 10 MB before any function runs. */
const API_GATEWAY_MAX_BODY_BYTES = 10 * 1024 * 1024;

const ROUTE = /^\/webhooks\/([^/]+)$/;

/**
 * Plays the part of the API Gateway HTTP API locally: accepts `POST /webhooks/{source}`, turns the
 * request into a payload-format 2.0 event with the exact body bytes, and returns the handler's answer.
 */
export async function startWebhookServer(handler: HttpHandler, port = 0): Promise<LocalServer> {
  const server = createServer((request, response) => {
    handle(handler, request, response).catch((error: unknown) => {
      send(response, 500, { message: `Local gateway error: ${(error as Error).message}` });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, LOOPBACK, resolve);
  });
  const actualPort = (server.address() as AddressInfo).port;
  return { url: `http://${LOOPBACK}:${actualPort}`, port: actualPort, close: () => close(server) };
}

async function handle(
  handler: HttpHandler,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  const url = new URL(request.url ?? '/', 'http://localhost');
  const match = ROUTE.exec(url.pathname);
  if (request.method !== 'POST' || !match) {
    send(response, 404, { message: 'Not Found' });
    return;
  }

  const body = await readBody(request);
  if (body === undefined) {
    send(response, 413, { message: 'Request Entity Too Large' });
    return;
  }

  const event = toEvent(request, url, decodeURIComponent(match[1] ?? ''), body);
  const result = await handler(event, lambdaContext('roster-webhook'));
  response.writeHead(result.statusCode ?? 200, result.headers as Record<string, string>);
  response.end(result.isBase64Encoded ? Buffer.from(result.body ?? '', 'base64') : (result.body ?? ''));
}

function toEvent(request: IncomingMessage, url: URL, source: string, body: Buffer): APIGatewayProxyEventV2 {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (value !== undefined) headers[name.toLowerCase()] = Array.isArray(value) ? value.join(',') : value;
  }
  const now = new Date();
  // HTTP APIs pass text bodies as strings and base64-encode everything else.
  const contentType = headers['content-type'] ?? '';
  const isText = /json|text|xml|x-www-form-urlencoded/i.test(contentType) && isUtf8(body);

  return {
    version: '2.0',
    routeKey: 'POST /webhooks/{source}',
    rawPath: url.pathname,
    rawQueryString: url.search.replace(/^\?/, ''),
    headers,
    pathParameters: { source },
    requestContext: {
      accountId: '123456789012',
      apiId: 'local',
      domainName: headers.host ?? LOOPBACK,
      domainPrefix: 'local',
      http: {
        method: 'POST',
        path: url.pathname,
        protocol: `HTTP/${request.httpVersion}`,
        sourceIp: request.socket.remoteAddress ?? LOOPBACK,
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: randomUUID(),
      routeKey: 'POST /webhooks/{source}',
      stage: '$default',
      time: now.toUTCString(),
      timeEpoch: now.getTime(),
    },
    body: body.length === 0 ? undefined : isText ? body.toString('utf8') : body.toString('base64'),
    isBase64Encoded: body.length > 0 && !isText,
  };
}

function readBody(request: IncomingMessage): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > API_GATEWAY_MAX_BODY_BYTES) tooLarge = true;
      if (!tooLarge) chunks.push(chunk);
    });
    request.on('end', () => resolve(tooLarge ? undefined : Buffer.concat(chunks)));
    request.on('error', reject);
  });
}

function isUtf8(bytes: Buffer): boolean {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return true;
  } catch {
    return false;
  }
}

function send(response: ServerResponse, status: number, body: unknown): void {
  if (response.headersSent) {
    response.end();
    return;
  }
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(JSON.stringify(body));
}

function close(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
}
