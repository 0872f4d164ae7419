import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import { IMPORT_MAX_BYTES, IMPORT_MAX_ROWS } from './import-payload.js';

/**
 * Reading a new-hire CSV into rows of named cells, before any rule is applied. What makes a whole
 * file unusable (not CSV, empty, no header, too big, a column nobody knows) is one sentence for the
 * file field; what is wrong in a cell is the row checks' (services/check-import.ts).
 */

/** The columns, in the order the template gives them. */
export const IMPORT_COLUMNS = [
  'username',
  'first_name',
  'last_name',
  'phone',
  'email',
  'description',
  'site',
  'department',
  'billing_unit',
  'profile',
  'user_type',
  'clone_from',
  'collections',
  'extension',
  'device_type',
  'caller_id',
  'e911_location',
  'multi_line',
  'recording',
  'monitoring',
  'voicemail',
] as const;
export type ImportColumn = (typeof IMPORT_COLUMNS)[number];

const REQUIRED_COLUMNS: readonly ImportColumn[] = ['first_name', 'last_name', 'phone'];

/** A header name as people write it: `First Name`, `first_name`, `FIRSTNAME` are one column. */
function columnKey(header: string): string {
  return header.toLowerCase().replace(/[^a-z0-9]/g, '');
}
const COLUMN_BY_KEY = new Map<string, ImportColumn>(IMPORT_COLUMNS.map((c) => [columnKey(c), c]));

export type ImportCells = Partial<Record<ImportColumn, string>>;

export interface ImportTable {
  /** The file's rows after the header, each with its number as a spreadsheet shows it (the header is row 1). */
  rows: { row: number; cells: ImportCells }[];
}

export type ReadImportResult = { ok: true; table: ImportTable } | { ok: false; problem: string };

const fail = (problem: string): ReadImportResult => ({ ok: false, problem });

/** Text of the file: UTF-8 (with or without a BOM) or UTF-16 with its BOM, as Excel saves "Unicode text". */
function decode(bytes: Buffer): string | undefined {
  if (bytes.length >= 2 && bytes[0] === 0xff && bytes[1] === 0xfe) return new TextDecoder('utf-16le', { fatal: true }).decode(bytes.subarray(2));
  if (bytes.length >= 2 && bytes[0] === 0xfe && bytes[1] === 0xff) return new TextDecoder('utf-16be', { fatal: true }).decode(bytes.subarray(2));
  const start = bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(start));
  } catch {
    return undefined;
  }
}

export const NOT_CSV_TEXT = 'This file is not a CSV file: save the spreadsheet as CSV (comma-separated values) and upload that';

export function readImportFile(bytes: Buffer): ReadImportResult {
  if (bytes.length > IMPORT_MAX_BYTES) return fail(`This file is larger than ${IMPORT_MAX_BYTES / (1024 * 1024)} MiB: split it into smaller files`);
  let text: string | undefined;
  try {
    text = decode(bytes);
  } catch {
    text = undefined;
  }
  // A NUL never appears in a text CSV: a spreadsheet, a PDF or an image does have them.
  if (text === undefined || text.includes('\u0000')) return fail(NOT_CSV_TEXT);
  if (text.trim() === '') return fail('This file is empty: it needs a header row and one row per new hire');

  let records: string[][];
  try {
    const parsed: unknown = parse(text, { relax_column_count: true, skip_empty_lines: false, bom: true, trim: true });
    records = parsed as string[][];
  } catch (err) {
    const line = typeof (err as { lines?: unknown }).lines === 'number' ? ` (near line ${(err as { lines: number }).lines})` : '';
    return fail(`${NOT_CSV_TEXT}: it could not be read as CSV${line}`);
  }
  const [header, ...body] = records;
  if (!header) return fail('This file is empty: it needs a header row and one row per new hire');
  const columns = header.map((h) => COLUMN_BY_KEY.get(columnKey(h)));
  if (columns.every((c) => c === undefined)) {
    return fail(`The first row must be the header, naming the columns (${REQUIRED_COLUMNS.join(', ')}, …): use ${'`/provision import template`'}`);
  }
  const unknown = header.filter((h, i) => columns[i] === undefined && h !== '');
  if (unknown.length > 0) {
    return fail(`Unknown column${unknown.length > 1 ? 's' : ''} ${unknown.map((u) => `"${u.slice(0, 40)}"`).join(', ')}: the columns are ${IMPORT_COLUMNS.join(', ')}`);
  }
  const twice = columns.filter((c, i) => c !== undefined && columns.indexOf(c) !== i);
  if (twice.length > 0) return fail(`The column ${twice[0]} appears more than once`);
  const missing = REQUIRED_COLUMNS.filter((c) => !columns.includes(c));
  if (missing.length > 0) return fail(`The header has no ${missing.join(', ')} column${missing.length > 1 ? 's' : ''}: every new hire needs them`);

  const rows: ImportTable['rows'] = [];
  for (const [index, record] of body.entries()) {
    if (record.every((cell) => cell === '')) continue;
    const cells: ImportCells = {};
    columns.forEach((column, i) => {
      const value = record[i];
      if (column && value !== undefined && value !== '') cells[column] = value;
    });
    // The header is row 1; csv-parse skipped blank lines, so a row's number counts records, not lines.
    rows.push({ row: index + 2, cells });
  }
  if (rows.length === 0) return fail('This file has a header but no rows: add one row per new hire');
  if (rows.length > IMPORT_MAX_ROWS) return fail(`This file has ${rows.length} rows; at most ${IMPORT_MAX_ROWS} can be imported at once: split it`);
  return { ok: true, table: { rows } };
}

/** The template: the header and one example row. */
export function importTemplateCsv(): string {
  const example: Record<ImportColumn, string> = {
    username: '',
    first_name: 'Jane',
    last_name: 'Doe',
    phone: '+1 512 555 0100',
    email: 'jane.doe@example.com',
    description: 'Class of March',
    site: 'Austin, TX',
    department: 'Customer Care',
    billing_unit: '',
    profile: '',
    user_type: 'agent',
    clone_from: '',
    collections: '',
    extension: 'new',
    device_type: 'softphone',
    caller_id: '',
    e911_location: '',
    multi_line: 'no',
    recording: 'yes',
    monitoring: 'no',
    voicemail: 'yes',
  };
  return stringify([[...IMPORT_COLUMNS], IMPORT_COLUMNS.map((c) => example[c])]);
}
