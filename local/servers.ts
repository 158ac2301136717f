import { mkdtemp, rm } from 'node:fs/promises';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import dynalite from 'dynalite';
import { createSqsServer } from 'local-aws-sqs';
import S3rver from 's3rver';

/** Every local server listens on loopback only. */
export const LOOPBACK = '127.0.0.1';

export interface LocalServer {
  /** Base URL, for example `http://127.0.0.1:40123`. */
  url: string;
  port: number;
  close(): Promise<void>;
}

/** Starts s3rver, an S3-compatible server, storing objects in a fresh temporary folder. */
export async function startS3Server(port = 0): Promise<LocalServer & { directory: string }> {
  const directory = await mkdtemp(join(tmpdir(), 'talent-sync-s3-'));
  const server = new S3rver({ port, address: LOOPBACK, directory, silent: true });
  const address = (await server.run()) as AddressInfo;
  return {
    url: `http://${LOOPBACK}:${address.port}`,
    port: address.port,
    directory,
    async close() {
      await server.close();
      await rm(directory, { recursive: true, force: true });
    },
  };
}

/** Starts dynalite, an in-memory DynamoDB-compatible server. */
export async function startDynamoDbServer(port = 0): Promise<LocalServer> {
  // createTableMs 0 makes new tables ACTIVE at once instead of after dynalite's default delay.
  const server: Server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  const actualPort = await listen(server, port);
  return { url: `http://${LOOPBACK}:${actualPort}`, port: actualPort, close: () => closeServer(server) };
}

/** Starts local-aws-sqs, which speaks the JSON protocol of AWS SDK v3, including FIFO queues. */
export async function startSqsServer(port = 0): Promise<LocalServer> {
  const server = await createSqsServer({
    port,
    hostname: LOOPBACK,
    emulateQueueCreationLifecycle: false,
  });
  const actualPort = (server.address() as AddressInfo).port;
  return { url: `http://${LOOPBACK}:${actualPort}`, port: actualPort, close: () => closeServer(server) };
}

function listen(server: Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, LOOPBACK, () => resolve((server.address() as AddressInfo).port));
  });
}

function closeServer(server: Server): Promise<void> {
  server.closeAllConnections?.();
  return new Promise((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
}
