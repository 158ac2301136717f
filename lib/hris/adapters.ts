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

const loaded = new Map<ProviderKind, Promise<ProviderAdapter>>();

/**
 * Returns the adapter for a configured provider kind, loading its module on the first call. The promise
 * is kept because a dynamic `import()` of a loaded module still goes through the module loader. In the
 * ingest benchmark that cost each delivery about a tenth of the handler's own time.
 */
export function adapterFor(kind: ProviderKind): Promise<ProviderAdapter> {
  let adapter = loaded.get(kind);
  if (!adapter) {
    adapter = LOADERS[kind]();
    loaded.set(kind, adapter);
  }
  return adapter;
}
