import type { ProviderKind } from '../config/schema';
import { bamboohrAdapter } from './bamboohr';
import { finchAdapter } from './finch';
import { genericAdapter } from './generic';
import { gustoAdapter } from './gusto';
import { hibobAdapter } from './hibob';
import { mergeAdapter } from './merge';
import { personioAdapter } from './personio';
import { ripplingAdapter } from './rippling';
import { standardWebhooksAdapter } from './standard-webhooks';
import type { ProviderAdapter } from './types';

export * from './errors';
export { FINCH_HEADERS, signFinchBody } from './finch';
export { GENERIC_HEADERS, signGenericDelivery } from './generic';
export { GUSTO_SIGNATURE_HEADER, signGustoBody } from './gusto';
export * from './intake';
export { MERGE_SIGNATURE_HEADER, signMergeBody } from './merge';
export * from './queue';
export { parseSigningSecret } from './signing';
export { STANDARD_WEBHOOK_HEADERS, signStandardWebhook } from './standard-webhooks';
export type * from './types';
export * from './verification';

const ADAPTERS: Record<ProviderKind, ProviderAdapter> = {
  generic: genericAdapter,
  merge: mergeAdapter,
  bamboohr: bamboohrAdapter,
  hibob: hibobAdapter,
  personio: personioAdapter,
  'standard-webhooks': standardWebhooksAdapter,
  finch: finchAdapter,
  gusto: gustoAdapter,
  rippling: ripplingAdapter,
};

/** Returns the adapter for a configured provider kind. */
export function adapterFor(kind: ProviderKind): ProviderAdapter {
  return ADAPTERS[kind];
}
