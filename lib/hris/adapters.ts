import type { ProviderKind } from '../config/schema';
import type { ProviderAdapter } from './types';
// The shared field schemas and the roster event schema check every event of every adapter, so they load
// with the function rather than with its first delivery.
import './fields';

/**
 * Each adapter module builds its zod schemas when it is evaluated, and a deployment receives from one
 * or a few provider kinds. Loading an adapter on its first use keeps the other kinds' schemas out of
 * the webhook function's cold start. esbuild keeps these modules in the bundle and evaluates one only
 * when its loader runs, as long as nothing in the function imports it statically.
 */
const LOADERS: Record<ProviderKind, () => Promise<ProviderAdapter>> = {
  generic: async () => (await import('./generic')).genericAdapter,
  merge: async () => (await import('./merge')).mergeAdapter,
  bamboohr: async () => (await import('./bamboohr')).bamboohrAdapter,
  hibob: async () => (await import('./hibob')).hibobAdapter,
  personio: async () => (await import('./personio')).personioAdapter,
  'standard-webhooks': async () => (await import('./standard-webhooks')).standardWebhooksAdapter,
  finch: async () => (await import('./finch')).finchAdapter,
  gusto: async () => (await import('./gusto')).gustoAdapter,
  rippling: async () => (await import('./rippling')).ripplingAdapter,
};

/** Returns the adapter for a configured provider kind, loading its module on the first call. */
export function adapterFor(kind: ProviderKind): Promise<ProviderAdapter> {
  return LOADERS[kind]();
}
