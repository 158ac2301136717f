import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { signGenericDelivery } from '../lib/hris';
import { getSecretValue } from '../lib/runtime/secrets';
import type { LocalStack } from './stack';

/** One example delivery: an HTTP request with the exact body bytes that were signed. */
export interface ExampleDelivery {
  source: string;
  headers: Record<string, string>;
  body: string;
}

export interface ReplayResult {
  /** `status` is the HTTP status, or undefined for an example skipped because its source is not configured. */
  deliveries: { file: string; status?: number; detail: string }[];
}

/**
 * Sends every example webhook under the folder to the local webhook endpoint over HTTP, in file name
 * order. Generic deliveries are signed again with the current time, because their signed timestamp
 * must be within the source's tolerance window; Merge signs no timestamp, so those go as they are.
 */
export async function replayExamples(stack: LocalStack, folder = 'examples/webhooks'): Promise<ReplayResult> {
  const deliveries: ReplayResult['deliveries'] = [];
  for (const file of await listJsonFiles(folder)) {
    const example = JSON.parse(await readFile(file, 'utf8')) as ExampleDelivery;
    if (!stack.config.roster.sources.some((source) => source.name === example.source)) {
      deliveries.push({
        file: relative(process.cwd(), file),
        detail: `skipped: this config has no source named "${example.source}"`,
      });
      continue;
    }
    const headers = await signForNow(stack, example);
    const response = await fetch(`${stack.endpoints.webhookBaseUrl}/${encodeURIComponent(example.source)}`, {
      method: 'POST',
      headers,
      body: Buffer.from(example.body, 'utf8'),
    });
    deliveries.push({
      file: relative(process.cwd(), file),
      status: response.status,
      detail: await response.text(),
    });
  }
  return { deliveries };
}

async function signForNow(stack: LocalStack, example: ExampleDelivery): Promise<Record<string, string>> {
  const source = stack.config.roster.sources.find((entry) => entry.name === example.source);
  if (source?.provider !== 'generic') return example.headers;

  const secret = await getSecretValue(source.signingSecretName);
  const signed = signGenericDelivery(secret, example.body, Math.floor(Date.now() / 1000));
  return { ...example.headers, ...signed };
}

async function listJsonFiles(folder: string): Promise<string[]> {
  const entries = await readdir(folder, { withFileTypes: true, recursive: true });
  return entries
    .filter((entry) => entry.isFile() && entry.name.endsWith('.json'))
    .map((entry) => join(entry.parentPath, entry.name))
    .sort();
}
