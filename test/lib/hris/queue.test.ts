import { describe, expect, it } from 'vitest';
import { deduplicationId } from '../../../lib/hris/queue';

describe('deduplicationId', () => {
  it('keeps an event id that SQS accepts', () => {
    expect(deduplicationId('delivery-42:3')).toBe('delivery-42:3');
  });

  it('hashes an event id longer than 128 characters', () => {
    expect(deduplicationId('x'.repeat(129))).toMatch(/^[0-9a-f]{64}$/);
  });

  it('hashes an event id with characters SQS rejects', () => {
    expect(deduplicationId('delivery 42')).toMatch(/^[0-9a-f]{64}$/);
  });

  it('hashes the same id to the same value', () => {
    expect(deduplicationId('é'.repeat(10))).toBe(deduplicationId('é'.repeat(10)));
  });
});
