import { buffer } from 'node:stream/consumers';
import { describe, expect, it } from 'vitest';
import {
  CsvRecordWriter,
  csvColumns,
  csvStream,
  csvText,
  encodeCell,
  type JsonRow,
} from '../../../lib/reports/csv';

function toCsv(rows: JsonRow[], options = {}): string {
  return [...csvText(rows, options)].join('');
}

describe('csvColumns', () => {
  it('returns the union of keys in first-seen order', () => {
    expect(csvColumns([{ b: 1, a: 2 }, { c: 3, a: 4 }, { d: 5 }])).toEqual(['b', 'a', 'c', 'd']);
  });

  it('flattens nested objects to dotted names', () => {
    expect(csvColumns([{ id: 1, coach: { name: 'Ann', school: { id: 7 } } }])).toEqual([
      'id',
      'coach.name',
      'coach.school.id',
    ]);
  });

  it('keeps an array as one column', () => {
    expect(csvColumns([{ tags: ['a', 'b'] }])).toEqual(['tags']);
  });

  it('merges a dotted key with the same nested path', () => {
    expect(csvColumns([{ 'coach.name': 'Ann' }, { coach: { name: 'Bo' } }])).toEqual(['coach.name']);
  });

  it('keeps a key that is plain in one row and nested in another', () => {
    expect(csvColumns([{ coach: 'none' }, { coach: { name: 'Bo' } }])).toEqual(['coach', 'coach.name']);
  });

  it('does not depend on the key order of later rows', () => {
    expect(
      csvColumns([
        { a: 1, b: 2 },
        { b: 3, a: 4 },
      ]),
    ).toEqual(['a', 'b']);
  });
});

describe('encodeCell', () => {
  it('leaves a plain cell unquoted', () => {
    expect(encodeCell('plain text', false)).toBe('plain text');
  });

  it('quotes a cell with a comma', () => {
    expect(encodeCell('a,b', false)).toBe('"a,b"');
  });

  it('quotes a cell with a quote and doubles the quote', () => {
    expect(encodeCell('say "hi"', false)).toBe('"say ""hi"""');
  });

  it('quotes a cell with a line feed', () => {
    expect(encodeCell('line 1\nline 2', false)).toBe('"line 1\nline 2"');
  });

  it('quotes a cell with a carriage return', () => {
    expect(encodeCell('a\rb', false)).toBe('"a\rb"');
  });

  it('leaves a leading equals sign without neutralisation', () => {
    expect(encodeCell('=SUM(A1:A2)', false)).toBe('=SUM(A1:A2)');
  });

  it.each(['=1+1', '+1', '-1', '@SUM(A1)', '\tx'])('prefixes %j with a quote when neutralising', (cell) => {
    expect(encodeCell(cell, true)).toBe(`'${cell}`);
  });

  it('neutralises and quotes a leading carriage return', () => {
    expect(encodeCell('\r=1', true)).toBe(`"'\r=1"`);
  });

  it('neutralises before quoting a formula with a comma', () => {
    expect(encodeCell('=HYPERLINK("x","y")', true)).toBe(`"'=HYPERLINK(""x"",""y"")"`);
  });

  it('leaves a cell with a formula character inside alone', () => {
    expect(encodeCell('a=b', true)).toBe('a=b');
  });
});

describe('csvText', () => {
  it('writes a header and one CRLF-ended record per row', () => {
    expect(
      toCsv([
        { id: 1, name: 'Ann' },
        { id: 2, name: 'Bo' },
      ]),
    ).toBe('id,name\r\n1,Ann\r\n2,Bo\r\n');
  });

  it('writes a cell with comma, quote and newline as one quoted field', () => {
    expect(toCsv([{ note: 'a, "b"\nc' }])).toBe('note\r\n"a, ""b""\nc"\r\n');
  });

  it('writes a leading equals sign as is by default', () => {
    expect(toCsv([{ cell: '=1+1' }])).toBe('cell\r\n=1+1\r\n');
  });

  it('neutralises a leading equals sign when asked', () => {
    expect(toCsv([{ cell: '=1+1' }], { neutralizeFormulas: true })).toBe("cell\r\n'=1+1\r\n");
  });

  it('leaves negative numbers as numbers when neutralising', () => {
    expect(toCsv([{ delta: -5 }], { neutralizeFormulas: true })).toBe('delta\r\n-5\r\n');
  });

  it('starts with a byte order mark when asked', () => {
    expect(toCsv([{ a: 1 }], { bom: true })).toBe('\uFEFFa\r\n1\r\n');
  });

  it('writes missing, null and undefined values as empty cells', () => {
    expect(
      toCsv([
        { a: 1, b: null },
        { a: undefined, c: 3 },
      ]),
    ).toBe('a,b,c\r\n1,,\r\n,,3\r\n');
  });

  it('places values by column when rows order keys differently', () => {
    expect(
      toCsv([
        { a: 1, b: 2 },
        { b: 3, a: 4 },
      ]),
    ).toBe('a,b\r\n1,2\r\n4,3\r\n');
  });

  it('writes nested values under dotted columns', () => {
    expect(toCsv([{ id: 1, coach: { name: 'Ann' } }, { id: 2 }])).toBe('id,coach.name\r\n1,Ann\r\n2,\r\n');
  });

  it('fills a plain and a nested value of one key', () => {
    expect(toCsv([{ coach: 'none' }, { coach: { name: 'Bo' } }])).toBe(
      'coach,coach.name\r\nnone,\r\n,Bo\r\n',
    );
  });

  it('writes arrays as quoted JSON text', () => {
    expect(toCsv([{ tags: ['a', 'b'] }])).toBe('tags\r\n"[""a"",""b""]"\r\n');
  });

  it('writes booleans as true and false', () => {
    expect(toCsv([{ active: true }, { active: false }])).toBe('active\r\ntrue\r\nfalse\r\n');
  });

  it('writes nothing for an empty row list', () => {
    expect(toCsv([], { bom: true })).toBe('');
  });

  it('writes nothing for rows without keys', () => {
    expect(toCsv([{}, {}])).toBe('');
  });

  it('quotes a header that contains a comma', () => {
    expect(toCsv([{ 'a,b': 1 }])).toBe('"a,b"\r\n1\r\n');
  });

  it('splits long output into several chunks', () => {
    const rows = Array.from({ length: 5000 }, (_, index) => ({ id: index, text: 'x'.repeat(40) }));
    const chunks = [...csvText(rows)];
    expect(chunks.length).toBeGreaterThan(1);
    expect(chunks.join('').split('\r\n')).toHaveLength(5002);
  });
});

describe('csvStream', () => {
  it('streams the same text as UTF-8', async () => {
    const rows = [{ name: 'Zoë', city: 'Köln' }];
    const bytes = await buffer(csvStream(rows, { bom: true }));
    expect(bytes.toString('utf8')).toBe('\uFEFFname,city\r\nZoë,Köln\r\n');
  });

  it('encodes the byte order mark as EF BB BF', async () => {
    const bytes = await buffer(csvStream([{ a: 1 }], { bom: true }));
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
  });

  it('emits bytes rather than objects', async () => {
    const chunks: unknown[] = [];
    for await (const chunk of csvStream([{ a: 1 }])) chunks.push(chunk);
    expect(chunks.every((chunk) => Buffer.isBuffer(chunk))).toBe(true);
  });
});

describe('CsvRecordWriter', () => {
  it('takes its columns from the first page', () => {
    const writer = new CsvRecordWriter([{ a: 1, b: { c: 2 } }]);
    expect(writer.header()).toBe('a,b.c\r\n');
  });

  it('writes later pages in the first page column order', () => {
    const writer = new CsvRecordWriter([{ a: 1, b: 2 }]);
    expect(writer.records([{ b: 'x', a: 'y' }])).toBe('y,x\r\n');
  });

  it('leaves out a key first seen on a later page', () => {
    const writer = new CsvRecordWriter([{ a: 1 }]);
    expect(writer.records([{ a: 2, extra: 'lost' }])).toBe('2\r\n');
  });

  it('lists a key first seen on a later page', () => {
    const writer = new CsvRecordWriter([{ a: 1 }]);
    writer.records([{ a: 2, nested: { extra: 'lost' } }]);
    expect(writer.unmappedColumns()).toEqual(['nested.extra']);
  });

  it('starts the header with a byte order mark when asked', () => {
    expect(new CsvRecordWriter([{ a: 1 }], { bom: true }).header()).toBe('\uFEFFa\r\n');
  });

  it('quotes and neutralises cells as csvText does', () => {
    const writer = new CsvRecordWriter([{ a: '' }], { neutralizeFormulas: true });
    expect(writer.records([{ a: '=1,"2"\n' }])).toBe(`"'=1,""2""\n"\r\n`);
  });
});
