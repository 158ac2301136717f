/**
 * The HRIS intake API. It re-exports the signing helpers of several adapters, which evaluates their
 * schemas, so the webhook function imports the modules it needs directly and loads adapters through
 * `adapterFor`.
 */
export { adapterFor } from './adapters';
export * from './errors';
export { FINCH_HEADERS, signFinchBody } from './finch';
export { signGenericDelivery } from './generic';
export { GENERIC_HEADERS } from './generic-headers';
export { GUSTO_SIGNATURE_HEADER, signGustoBody } from './gusto';
export * from './intake';
export { MERGE_SIGNATURE_HEADER, signMergeBody } from './merge';
export * from './queue';
export { parseSigningSecret } from './signing';
export { STANDARD_WEBHOOK_HEADERS, signStandardWebhook } from './standard-webhooks';
export type * from './types';
export * from './verification';
