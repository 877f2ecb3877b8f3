import { CsvError, parse } from 'csv-parse/sync';
import { PRODUCT_LIMITS } from '@prex/protocol';
import { badRequest } from '../http/errors.js';
import type { PlacedItem } from './validate.js';

/** CSV columns that are product fields; any other column becomes an attribute. */
const FIELD_OF_COLUMN: Record<string, string> = {
  sku: 'sku',
  name: 'name',
  description: 'description',
  price: 'price',
  currency: 'currency',
  url: 'url',
  in_stock: 'inStock',
};
const REQUIRED_COLUMNS = ['sku', 'name'];

const TRUE_WORDS = new Set(['true', 'yes', 'y', '1', 'in stock']);
const FALSE_WORDS = new Set(['false', 'no', 'n', '0', 'out of stock']);

/** "yes" → true; "" → null; anything unrecognised is passed on as text so validation names it. */
function stockValue(text: string): boolean | null | string {
  const word = text.trim().toLowerCase();
  if (word === '') return null;
  if (TRUE_WORDS.has(word)) return true;
  if (FALSE_WORDS.has(word)) return false;
  return text;
}

interface ParsedRow {
  record: string[];
  raw: string;
  info: { lines: number };
}

/**
 * The line a record starts on, as a spreadsheet shows it: csv-parse counts the line it ends on, and
 * a quoted cell may span lines; skipped empty lines before it are part of its raw text.
 */
function startLine(row: ParsedRow): number {
  const inner = row.raw.replace(/^\n+/, '').replace(/\n$/, '');
  return row.info.lines - (inner.match(/\n/g)?.length ?? 0);
}

function parseRows(text: string): ParsedRow[] {
  // One line ending for all: csv-parse counts lines wrongly across \r\n inside quoted cells.
  const normalized = text.replace(/\r\n?/g, '\n');
  try {
    return parse(normalized, { bom: true, info: true, raw: true, relax_column_count: true, skip_empty_lines: true }) as unknown as ParsedRow[];
  } catch (err) {
    if (err instanceof CsvError) throw badRequest(`Invalid CSV: ${err.message}`);
    throw err;
  }
}

function readHeader(header: ParsedRow): string[] {
  const where = `the header row (line ${startLine(header)})`;
  const columns = header.record.map((c) => c.trim().toLowerCase());
  const missing = REQUIRED_COLUMNS.filter((c) => !columns.includes(c));
  if (missing.length) throw badRequest(`Invalid CSV: ${where} lacks the column${missing.length > 1 ? 's' : ''} ${missing.join(', ')}`);
  const repeated = columns.find((c, i) => c === '' || columns.indexOf(c) !== i);
  if (repeated !== undefined) throw badRequest(`Invalid CSV: ${where} has ${repeated ? `the column ${repeated} twice` : 'an empty column name'}`);
  return columns;
}

/** One data row as a product input: empty cells are absent, unknown columns are attributes. */
function toProductInput(columns: string[], cells: string[]): Record<string, unknown> {
  const product: Record<string, unknown> = {};
  const attributes: Record<string, string> = {};
  columns.forEach((column, i) => {
    const cell = cells[i] ?? '';
    const field = FIELD_OF_COLUMN[column];
    if (field === 'inStock') product.inStock = stockValue(cell);
    else if (field) {
      if (cell.trim() !== '') product[field] = cell;
    } else if (cell.trim() !== '') attributes[column] = cell;
  });
  if (Object.keys(attributes).length) product.attributes = attributes;
  return product;
}

/**
 * Reads a catalog CSV (header row first: sku,name,description,price,currency,url,in_stock and any
 * other columns as attributes) into items placed by line, for validateProducts.
 */
export function readProductCsv(text: string): PlacedItem[] {
  const [header, ...rows] = parseRows(text);
  if (!header) throw badRequest('Invalid CSV: the body is empty; send a header row and one product per line');
  if (rows.length === 0) throw badRequest('Invalid CSV: no product rows after the header');
  if (rows.length > PRODUCT_LIMITS.maxCsvRows) throw badRequest(`Invalid CSV: ${rows.length} rows; at most ${PRODUCT_LIMITS.maxCsvRows} per import`);
  const columns = readHeader(header);
  return rows.map((row) => {
    const { record } = row;
    const at = `line ${startLine(row)}`;
    if (record.length !== columns.length) return { at, value: null, problem: `${record.length} cells, the header has ${columns.length}` };
    return { at, value: toProductInput(columns, record) };
  });
}
