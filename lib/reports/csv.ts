import { Readable } from 'node:stream';

/** One row of a JSON report: `reportData[i]` of `GET /reports/{reportId}`. */
export type JsonRow = Record<string, unknown>;

export interface CsvOptions {
  /** Starts the output with a UTF-8 byte order mark, which Excel needs to detect UTF-8. Default: false. */
  bom?: boolean;
  /**
   * Prefixes string cells that start with `=`, `+`, `-`, `@`, tab or CR with `'`, so that a spreadsheet
   * shows them as text instead of running them as a formula. JSON numbers are left as they are, so a
   * negative number stays a number. Default: false.
   */
  neutralizeFormulas?: boolean;
}

/** Text is handed on in chunks of about this many UTF-16 units, which keeps stream overhead per row low. */
const CHUNK_CHARS = 64 * 1024;

const QUOTE = 0x22;
const COMMA = 0x2c;
const LF = 0x0a;
const CR = 0x0d;
const TAB = 0x09;
const EQUALS = 0x3d;
const PLUS = 0x2b;
const MINUS = 0x2d;
const AT = 0x40;

/**
 * Returns the CSV columns of `rows`: the union of their keys in first-seen order, with nested objects
 * flattened to dotted names (`coach.name`). Within one object, integer-like keys come first because
 * JavaScript orders object keys that way.
 */
export function csvColumns(rows: Iterable<JsonRow>): string[] {
  return buildColumnTree(rows).columns;
}

/**
 * A column tree node per key path: the column index of the value at that path, and the nodes below it
 * when the value is an object. Rows are matched against the tree key by key, which avoids building a
 * dotted name per cell.
 */
interface ColumnNode {
  /** The dotted name of the key path. */
  name: string;
  /** The column index, or -1 while no row has a plain value at this path. */
  index: number;
  children: Map<string, ColumnNode> | undefined;
}

interface ColumnTree {
  root: Map<string, ColumnNode>;
  columns: string[];
}

/**
 * Yields `rows` as RFC 4180 CSV text: a header line, then one record per row, each ended by CRLF. Cells
 * containing a comma, quote, CR or LF are quoted, with quotes doubled. Arrays become JSON text, and null
 * or undefined become empty cells.
 *
 * The column set is the union over all rows, so the rows are read once for the columns before the first
 * line is written. That costs no memory because the rows are already in memory as parsed JSON. After that the output is produced
 * lazily, so the text in memory stays within one chunk. Rows with no keys at all give an empty output,
 * with no header and no byte order mark.
 */
export function* csvText(rows: readonly JsonRow[], options: CsvOptions = {}): Generator<string> {
  const { root, columns } = buildColumnTree(rows);
  if (columns.length === 0) return;

  const neutralize = options.neutralizeFormulas ?? false;

  let chunk = options.bom ? '\uFEFF' : '';
  chunk += `${columns.map((column) => encodeCell(column, neutralize)).join(',')}\r\n`;

  const cells = new Array<string>(columns.length);
  for (const row of rows) {
    cells.fill('');
    fillCells(row, root, cells, neutralize);
    chunk += `${cells.join(',')}\r\n`;

    if (chunk.length >= CHUNK_CHARS) {
      yield chunk;
      chunk = '';
    }
  }
  if (chunk.length > 0) yield chunk;
}

/** Returns the CSV of `rows` as a byte stream of UTF-8; see `csvText` for the dialect. */
export function csvStream(rows: readonly JsonRow[], options: CsvOptions = {}): Readable {
  return Readable.from(encodeUtf8(csvText(rows, options)), { objectMode: false });
}

/** Returns one cell as CSV text: neutralised when asked, then quoted if it contains a comma, quote, CR or LF. */
export function encodeCell(text: string, neutralize: boolean): string {
  const value = neutralize && startsLikeFormula(text) ? `'${text}` : text;

  // A scan by char code is cheaper than a regular expression test on the short strings of a report.
  for (let index = 0; index < value.length; index++) {
    const code = value.charCodeAt(index);
    if (code === QUOTE || code === COMMA || code === LF || code === CR) {
      return `"${value.replaceAll('"', '""')}"`;
    }
  }
  return value;
}

function* encodeUtf8(chunks: Iterable<string>): Generator<Buffer> {
  for (const chunk of chunks) yield Buffer.from(chunk, 'utf8');
}

function startsLikeFormula(text: string): boolean {
  const first = text.charCodeAt(0);
  return (
    first === EQUALS || first === PLUS || first === MINUS || first === AT || first === TAB || first === CR
  );
}

function isNestedObject(value: unknown): value is JsonRow {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date);
}

function buildColumnTree(rows: Iterable<JsonRow>): ColumnTree {
  const tree: ColumnTree = { root: new Map(), columns: [] };
  const indexByName = new Map<string, number>();
  for (const row of rows) addColumns(row, '', tree.root, tree.columns, indexByName);
  return tree;
}

function addColumns(
  row: JsonRow,
  prefix: string,
  nodes: Map<string, ColumnNode>,
  columns: string[],
  indexByName: Map<string, number>,
): void {
  for (const key in row) {
    const value = row[key];
    let node = nodes.get(key);
    if (!node) {
      node = { name: prefix === '' ? key : `${prefix}.${key}`, index: -1, children: undefined };
      nodes.set(key, node);
    }

    if (isNestedObject(value)) {
      node.children ??= new Map();
      addColumns(value, node.name, node.children, columns, indexByName);
    } else if (node.index === -1) {
      // A literal key "a.b" and a nested key b under a share the name "a.b", so they share one column.
      let index = indexByName.get(node.name);
      if (index === undefined) {
        index = columns.length;
        columns.push(node.name);
        indexByName.set(node.name, index);
      }
      node.index = index;
    }
  }
}

function fillCells(row: JsonRow, nodes: Map<string, ColumnNode>, cells: string[], neutralize: boolean): void {
  for (const key in row) {
    const value = row[key];
    // Every key path of every row was added to the tree beforehand, so the node exists.
    const node = nodes.get(key) as ColumnNode;
    if (isNestedObject(value)) {
      fillCells(value, node.children as Map<string, ColumnNode>, cells, neutralize);
    } else {
      cells[node.index] = cellText(value, neutralize);
    }
  }
}

function cellText(value: unknown, neutralize: boolean): string {
  switch (typeof value) {
    case 'string':
      return encodeCell(value, neutralize);
    case 'number':
    case 'bigint':
      return String(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'undefined':
      return '';
    default:
      if (value === null) return '';
      if (value instanceof Date) return value.toISOString();
      // Arrays, and anything else a JSON parser cannot produce, are written as JSON text.
      return encodeCell(JSON.stringify(value) ?? '', false);
  }
}

/**
 * Writes CSV records for rows that arrive page by page, with the columns fixed by the first page. The
 * header has to go out before later pages are seen, so a key that first appears on a later page has no
 * column: its value is left out, and its dotted name is collected in `unmappedColumns` for the manifest
 * and the log.
 */
export class CsvRecordWriter {
  private readonly root: Map<string, ColumnNode>;
  readonly columns: readonly string[];
  private readonly unmapped = new Set<string>();

  constructor(
    firstRows: readonly JsonRow[],
    private readonly options: CsvOptions = {},
  ) {
    const tree = buildColumnTree(firstRows);
    this.root = tree.root;
    this.columns = tree.columns;
  }

  /** The header line, after the byte order mark when asked; empty when the first page had no keys. */
  header(): string {
    if (this.columns.length === 0) return '';
    const neutralize = this.options.neutralizeFormulas ?? false;
    const line = `${this.columns.map((column) => encodeCell(column, neutralize)).join(',')}\r\n`;
    return this.options.bom ? `\uFEFF${line}` : line;
  }

  /** The records of `rows`, each ended by CRLF. */
  records(rows: readonly JsonRow[]): string {
    if (this.columns.length === 0) return '';
    const neutralize = this.options.neutralizeFormulas ?? false;
    const cells = new Array<string>(this.columns.length);
    let text = '';
    for (const row of rows) {
      cells.fill('');
      this.fill(row, this.root, '', cells, neutralize);
      text += `${cells.join(',')}\r\n`;
    }
    return text;
  }

  /** Dotted names of keys that appeared after the first page and so have no column. */
  unmappedColumns(): string[] {
    return [...this.unmapped].sort();
  }

  private fill(
    row: JsonRow,
    nodes: Map<string, ColumnNode> | undefined,
    prefix: string,
    cells: string[],
    neutralize: boolean,
  ): void {
    for (const key in row) {
      const value = row[key];
      const node = nodes?.get(key);
      const name = prefix === '' ? key : `${prefix}.${key}`;
      if (isNestedObject(value)) {
        this.fill(value, node?.children, name, cells, neutralize);
      } else if (node && node.index !== -1) {
        cells[node.index] = cellText(value, neutralize);
      } else if (value !== undefined && value !== null) {
        this.unmapped.add(name);
      }
    }
  }
}
