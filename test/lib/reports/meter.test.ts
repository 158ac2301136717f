import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { describe, expect, it } from 'vitest';
import { CsvMeter } from '../../../lib/reports/meter';

async function measure(chunks: string[]) {
  const meter = new CsvMeter();
  const received: Buffer[] = [];
  await pipeline(
    Readable.from(chunks.map((chunk) => Buffer.from(chunk, 'utf8'))),
    meter,
    async (source: AsyncIterable<Buffer>) => {
      for await (const chunk of source) received.push(chunk);
    },
  );
  return { ...meter.measure(), passed: Buffer.concat(received).toString('utf8') };
}

describe('CsvMeter', () => {
  it('passes the bytes through unchanged', async () => {
    expect((await measure(['a,b\r\n', '1,2\r\n'])).passed).toBe('a,b\r\n1,2\r\n');
  });

  it('counts bytes of multi-byte characters', async () => {
    expect((await measure(['é\r\n'])).bytes).toBe(4);
  });

  it('computes the SHA-256 of the bytes', async () => {
    const text = 'a,b\r\n1,2\r\n';
    const expected = createHash('sha256').update(text).digest('hex');
    expect((await measure([text])).sha256).toBe(expected);
  });

  it('counts records after the header', async () => {
    expect((await measure(['a,b\r\n1,2\r\n3,4\r\n'])).rows).toBe(2);
  });

  it('ignores a line feed inside a quoted cell', async () => {
    expect((await measure(['a,b\r\n"x\r\ny",2\r\n'])).rows).toBe(1);
  });

  it('keeps the quote state across chunks', async () => {
    expect((await measure(['a\r\n"line 1\n', 'line 2"\r\n2\r\n'])).rows).toBe(2);
  });

  it('reads doubled quotes as an escaped quote', async () => {
    expect((await measure(['a\r\n"say ""hi""\nbye"\r\n'])).rows).toBe(1);
  });

  it('counts a last record without a line break', async () => {
    expect((await measure(['a\n1\n2'])).rows).toBe(2);
  });

  it('skips blank lines', async () => {
    expect((await measure(['a\r\n1\r\n\r\n\r\n'])).rows).toBe(1);
  });

  it('skips a blank line split between chunks', async () => {
    expect((await measure(['a\r\n1\r\n\r', '\n2\r\n'])).rows).toBe(2);
  });

  it('counts the same rows whatever the chunk boundaries', async () => {
    const text = 'a,b\r\n"x, ""y""\r\nz",1\r\n\r\n"",2\r\n3,"4\n"\r\n5,6';
    const whole = await measure([text]);
    const byByte = await measure([...text]);
    expect(byByte.rows).toBe(whole.rows);
  });

  it('counts quoted records with escaped quotes and line breaks', async () => {
    const text = 'a,b\r\n"x, ""y""\r\nz",1\r\n\r\n"",2\r\n3,"4\n"\r\n5,6';
    expect((await measure([text])).rows).toBe(4);
  });

  it('counts no rows in a header-only file', async () => {
    expect((await measure(['a,b\r\n'])).rows).toBe(0);
  });

  it('counts no rows in an empty file', async () => {
    expect(await measure([])).toMatchObject({ rows: 0, bytes: 0 });
  });

  it('rejects reading the measure before the end', () => {
    expect(() => new CsvMeter().measure()).toThrow(/after the stream has ended/);
  });
});
