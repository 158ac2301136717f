import { describe, expect, it } from 'vitest';
import { PROVIDER_KINDS } from '../../../lib/config/schema';
import { adapterFor } from '../../../lib/hris/adapters';

describe('adapterFor', () => {
  it.each(PROVIDER_KINDS)('loads the adapter of kind %s', async (kind) => {
    expect((await adapterFor(kind)).kind).toBe(kind);
  });
});
