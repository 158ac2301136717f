import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import type { ProviderKind, SourceConfig } from '../../lib/config/schema';
import {
  FINCH_HEADERS,
  GUSTO_SIGNATURE_HEADER,
  MERGE_SIGNATURE_HEADER,
  parseSigningSecret,
  STANDARD_WEBHOOK_HEADERS,
  signFinchBody,
  signGenericDelivery,
  signGustoBody,
  signMergeBody,
  signStandardWebhook,
} from '../../lib/hris';
import { BAMBOOHR_HEADERS, signBambooHrBody } from '../../lib/hris/bamboohr';
import { HIBOB_SIGNATURE_HEADER, signHiBobBody } from '../../lib/hris/hibob';
import { PERSONIO_DEFAULT_TOKEN_HEADER } from '../../lib/hris/personio';
import { getSecretValue } from '../../lib/runtime/secrets';
import { CliError } from '../errors';
import { printResult } from '../output';
import { addTargetOptions, requireResource, resolveTarget, type TargetOptions } from '../target';

/**
 * `talent-sync replay FILE`: sends a saved webhook delivery through the real pipeline, to the local
 * webhook endpoint or to a deployed one, optionally signed again with the source's current secret.
 */

interface ReplayOptions extends TargetOptions {
  source?: string;
  sign?: boolean;
  url?: string;
  json?: boolean;
}

/** A saved delivery: the exact body bytes and the headers they were sent with. */
export interface SavedDelivery {
  source?: string;
  headers: Record<string, string>;
  body: string;
}

export interface ReplayResult {
  url: string;
  source: string;
  signed: boolean;
  status: number;
  response: unknown;
}

/** Registers `talent-sync replay`. */
export function registerReplayCommand(program: Command): void {
  const command = program
    .command('replay')
    .description(
      'Send a saved webhook to the webhook endpoint and print the response. FILE is either a saved ' +
        'delivery {source, headers, body} like examples/webhooks/*, or a raw body.',
    )
    .argument('<file>', 'saved delivery or raw body file')
    .option('--source <name>', 'roster source to send to (default: the "source" of a saved delivery)')
    .option('--sign', "sign the body now with the source's signing secret, replacing saved signature headers")
    .option(
      '--url <url>',
      'webhook base URL, the WebhookBaseUrl stack output (default: from --stack-outputs)',
    )
    .option('--json', 'print the result as JSON');
  addTargetOptions(command).action(async (file: string, options: ReplayOptions) => {
    const result = await replayDelivery(file, options);
    printResult(options.json, result, () =>
      [
        `POST ${result.url} -> ${result.status}${result.signed ? ' (signed now)' : ''}`,
        typeof result.response === 'string' ? result.response : JSON.stringify(result.response, null, 2),
      ].join('\n'),
    );
    if (result.status >= 300) {
      throw new CliError(
        `The endpoint rejected the delivery with ${result.status}; the response gives the reason.`,
        1,
      );
    }
  });
}

/** Sends the delivery in `file` and returns the endpoint's status and response body. */
export async function replayDelivery(file: string, options: ReplayOptions): Promise<ReplayResult> {
  const target = resolveTarget(options);
  const delivery = await readDelivery(file);
  const sourceName = options.source ?? delivery.source;
  if (!sourceName) {
    throw new CliError(`${file} is a raw body: pass --source NAME, the roster source to send it to.`, 2);
  }
  const source = target.config.roster.sources.find((entry) => entry.name === sourceName);
  if (options.sign && !source) {
    const known = target.config.roster.sources.map((entry) => entry.name).join(', ') || 'none';
    throw new CliError(
      `Source "${sourceName}" is not in ${target.configFile} (it has ${known}): check --source.`,
      2,
    );
  }

  const baseUrl = requireResource(
    options.url ?? target.resources.webhookBaseUrl,
    '--url',
    'webhook URL (the WebhookBaseUrl output)',
  );
  let headers = delivery.headers;
  if (options.sign && source) headers = await signDelivery(source, delivery);

  const url = `${baseUrl.replace(/\/$/, '')}/${encodeURIComponent(sourceName)}`;
  const response = await fetch(url, { method: 'POST', headers, body: Buffer.from(delivery.body, 'utf8') });
  const text = await response.text();
  return {
    url,
    source: sourceName,
    signed: options.sign === true,
    status: response.status,
    response: parseJson(text),
  };
}

async function readDelivery(file: string): Promise<SavedDelivery> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new CliError(`Cannot read ${file}: ${(error as Error).message}`, 2, { cause: error });
  }
  const parsed = parseJson(text);
  if (isSavedDelivery(parsed)) return parsed;
  return { headers: { 'content-type': 'application/json' }, body: text };
}

function isSavedDelivery(value: unknown): value is SavedDelivery {
  if (typeof value !== 'object' || value === null) return false;
  const { headers, body } = value as Record<string, unknown>;
  return typeof body === 'string' && typeof headers === 'object' && headers !== null;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

type Signer = (
  key: string,
  body: string,
  headers: Record<string, string>,
  source: SourceConfig,
) => Record<string, string>;

const nowSeconds = () => Math.floor(Date.now() / 1000);

/** Signature headers per provider, made the way each provider signs, at the current time. */
const SIGNERS: Record<ProviderKind, Signer> = {
  generic: (key, body) => signGenericDelivery(key, body, nowSeconds()),
  merge: (key, body) => ({ [MERGE_SIGNATURE_HEADER]: signMergeBody(key, body) }),
  hibob: (key, body) => ({ [HIBOB_SIGNATURE_HEADER]: signHiBobBody(key, body) }),
  gusto: (key, body) => ({ [GUSTO_SIGNATURE_HEADER]: signGustoBody(key, body) }),
  bamboohr: (key, body) => {
    const timestamp = String(nowSeconds());
    return {
      [BAMBOOHR_HEADERS.timestamp]: timestamp,
      [BAMBOOHR_HEADERS.signature]: signBambooHrBody(key, body, timestamp),
    };
  },
  'standard-webhooks': (key, body, headers) =>
    signStandardWebhook(
      key,
      headers[STANDARD_WEBHOOK_HEADERS.id] ?? `msg_${randomUUID()}`,
      nowSeconds(),
      body,
    ),
  finch: (key, body, headers) => {
    const id = headers[FINCH_HEADERS.id] ?? `evt_${randomUUID()}`;
    const timestamp = nowSeconds();
    return {
      [FINCH_HEADERS.id]: id,
      [FINCH_HEADERS.timestamp]: String(timestamp),
      [FINCH_HEADERS.signature]: signFinchBody(key, id, timestamp, body),
    };
  },
  // Personio and Rippling send a static token instead of a signature.
  personio: (key, _body, _headers, source) => ({
    [(source.tokenHeader ?? PERSONIO_DEFAULT_TOKEN_HEADER).toLowerCase()]: key,
  }),
  rippling: (key) => ({ authorization: `Bearer ${key}` }),
};

/** Returns the delivery's headers with the signature headers of the source's provider made now. */
async function signDelivery(source: SourceConfig, delivery: SavedDelivery): Promise<Record<string, string>> {
  let key: string;
  try {
    // The current key: during a rotation the stored value also lists the previous one.
    key = parseSigningSecret(await getSecretValue(source.signingSecretName))[0] ?? '';
  } catch (error) {
    throw new CliError(
      `Cannot read the signing secret ${source.signingSecretName} of source "${source.name}": ${(error as Error).message}`,
      1,
      { cause: error },
    );
  }
  const headers = lowerCaseKeys(delivery.headers);
  return { ...headers, ...SIGNERS[source.provider](key, delivery.body, headers, source) };
}

function lowerCaseKeys(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]));
}
