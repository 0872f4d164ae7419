import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/client.js';
import { auditTrailOf } from '../../src/db/repositories/audit.js';
import { requests } from '../../src/db/schema/index.js';
import { checkImport, describeProblem } from '../../src/services/check-import.js';
import { readImportFile, importTemplateCsv } from '../../src/services/import-file.js';
import { parseStoredPayload } from '../../src/services/request-payload.js';
import { submitImport } from '../../src/services/submit-import.js';
import { depsFor, janeDoe, requester, seedDemoReferenceData } from '../support/fixtures.js';
import { newHireCsv, newHireRow, IMPORT_HEADER } from '../support/import-files.js';
import { openTestDatabase, testDriver } from '../support/test-db.js';
import { userThroughApproval } from '../support/through-approval.js';

function table(csv: string | Buffer) {
  const read = readImportFile(typeof csv === 'string' ? Buffer.from(csv, 'utf8') : csv);
  if (!read.ok) throw new Error(read.problem);
  return read.table;
}

describe('reading an import file', () => {
  const problem = (bytes: Buffer) => {
    const read = readImportFile(bytes);
    return read.ok ? undefined : read.problem;
  };
  it('refuses what is not a usable CSV with one sentence', () => {
    expect(problem(Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x00, 0x00, 0xff]))).toMatch(/not a CSV file/);
    expect(problem(Buffer.from(''))).toMatch(/empty/);
    expect(problem(Buffer.from('  \n\n'))).toMatch(/empty/);
    expect(problem(Buffer.from('Jane,Doe,+15125550100\n'))).toMatch(/first row must be the header/);
    expect(problem(Buffer.from(`${IMPORT_HEADER}\n`))).toMatch(/no rows/);
    expect(problem(Buffer.from(newHireCsv(1001)))).toBe('This file has 1001 rows; at most 1000 can be imported at once: split it');
    expect(problem(Buffer.alloc(1024 * 1024 + 1, 'a'))).toMatch(/larger than 1 MiB/);
    expect(problem(Buffer.from('first_name,last_name,phone,shoe_size\nJane,Doe,+15125550100,9\n'))).toMatch(/^Unknown column "shoe_size": the columns are username, first_name/);
    expect(problem(Buffer.from('first_name,phone\nJane,+15125550100\n'))).toMatch(/no last_name column/);
  });

  it('matches header names whatever their case and spacing, and reads BOM, CRLF, quoted commas and newlines, UTF-16', () => {
    const csv = '\ufeffFirst Name,LASTNAME,phone,Description\r\nJosé,"Núñez, Jr.",+15125550100,"two\r\nlines"\r\n';
    const utf8 = table(Buffer.from(csv, 'utf8'));
    expect(utf8.rows).toEqual([{ row: 2, cells: { first_name: 'José', last_name: 'Núñez, Jr.', phone: '+15125550100', description: 'two\r\nlines' } }]);
    const le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(csv.replace('\ufeff', ''), 'utf16le')]);
    expect(table(le)).toEqual(utf8);
    const be = Buffer.from(Buffer.from(csv.replace('\ufeff', ''), 'utf16le')).swap16();
    expect(table(Buffer.concat([Buffer.from([0xfe, 0xff]), be]))).toEqual(utf8);
  });

  it('gives a template that reads back with every column', () => {
    const read = table(importTemplateCsv());
    expect(read.rows).toHaveLength(1);
    expect(read.rows[0]?.cells).toMatchObject({ first_name: 'Jane', extension: 'new' });
  });
});

describe(`checking and submitting an import (${testDriver})`, () => {
  let database: Database;
  let deps: ReturnType<typeof depsFor>;
  const requestCount = async () => (await database.db.select().from(requests)).length;

  beforeAll(async () => {
    database = await openTestDatabase();
    await seedDemoReferenceData(database.db);
    deps = depsFor(database.db);
    await userThroughApproval(deps, requester, janeDoe({ username: 'taken1', email: 'taken@example.com' }));
  });
  afterAll(() => database.close());

  it('imports the README example cleanly against the demo reference data', async () => {
    const checked = await checkImport(deps, requester, table(readFileSync('examples/new-hires.csv')));
    expect(checked.problems.map(describeProblem)).toEqual([]);
    expect(checked.valid.map((r) => r.payload.username)).toEqual(['mgarcia', 'jsmith', 'akhan', 'jreyes', 'lwei', 'staylor']);
    expect(checked.valid[0]?.payload).toMatchObject({ siteKey: 'austin-tx', departmentKey: 'customer-care', newExtension: { callerIdKey: 'austin-local', e911LocationKey: 'austin-hq-fl3', deviceType: 'softphone' } });
  });

  it('reports each problem as "row N, column: the modal\'s message", with conflicts inside the file', async () => {
    const csv = newHireCsv(7, (i) =>
      i === 1
        ? newHireRow(i, { phone: '+1 512 555 0100 1234 5678 9' })
        : i === 2
          ? newHireRow(i, { username: 'taken1', email: 'TAKEN@example.com' })
          : i === 4
            ? newHireRow(i, { username: 'hire3', email: 'hire3@example.com' })
            : i === 5
              ? newHireRow(i, { site: 'Atlantis', collections: 'Billing Queue;Nope Queue' })
              : i === 6
                ? newHireRow(i, { user_type: 'non_agent', extension: 'new' })
                : newHireRow(i),
    );
    const checked = await checkImport(deps, requester, table(csv));
    expect(checked.problems.map(describeProblem)).toEqual([
      'row 2, phone: Phone Number can have at most 15 digits (this one has 20)',
      'row 3, username: Username taken1 is already taken — try taken12',
      'row 3, email: Email TAKEN@example.com is already used by another user',
      'row 5, username: Username hire3 is also in row 4',
      'row 5, email: Email hire3@example.com is also in row 4',
      'row 6, collections: Unknown collection: Nope Queue',
      'row 6, site: Site "Atlantis" does not exist (or is no longer offered)',
      'row 7, extension: Only agents get a new extension with their request',
    ]);
    expect(checked).toMatchObject({ totalRows: 7, invalidRows: 5 });
    expect(checked.valid.map((r) => r.row)).toEqual([4, 8]);

    // Refused as a whole by default: nothing stored.
    const before = await requestCount();
    await expect(submitImport(deps, requester, { fileName: 'class.csv', checked, leaveOutInvalid: false })).rejects.toThrow(/5 of 7 rows have problems/);
    expect(await requestCount()).toBe(before);

    // "Submit the N valid rows": exactly those.
    const submitted = await submitImport(deps, requester, { fileName: 'class.csv', checked, leaveOutInvalid: true });
    expect(await requestCount()).toBe(before + 1);
    const [row] = (await database.db.select().from(requests)).filter((r) => r.id === submitted.id);
    expect(row).toMatchObject({ kind: 'import_batch', state: 'pending' });
    const stored = parseStoredPayload('import_batch', row!.payload);
    expect(stored.payload).toMatchObject({ fileName: 'class.csv', skippedRows: 5, rows: [{ row: 4, payload: { username: 'hire3' } }, { row: 8, payload: { username: 'hire7' } }] });
    expect((await auditTrailOf(database.db, 'request', submitted.id)).map((a) => a.action)).toEqual(['request.submitted']);

    // The same rows again: refused, they are waiting for approval already.
    const again = await checkImport(deps, requester, table(newHireCsv(1, () => newHireRow(3))));
    expect(again.problems.map(describeProblem)).toEqual(['row 2, username: A request for hire3 is already waiting for approval']);
    await expect(submitImport(deps, requester, { fileName: 'class.csv', checked, leaveOutInvalid: true })).rejects.toThrow(/already waiting for approval/);
    expect(await requestCount()).toBe(before + 1);
  });

  it('refuses more new extensions than the ranges have free, and one extension in two rows', async () => {
    const many = await checkImport(deps, requester, table(newHireCsv(1000, (i) => newHireRow(1000 + i, { collections: '' }))));
    // The demo ranges hold 1,100 numbers; a file of 1,000 fits.
    expect(many.problems).toEqual([]);
    const { extensionThroughApproval } = await import('../support/through-approval.js');
    const { softphone } = await import('../support/fixtures.js');
    const ext = await extensionThroughApproval(deps, requester, softphone({ extensionNumber: '5001' }));
    const twice = await checkImport(deps, requester, table(newHireCsv(2, (i) => newHireRow(3000 + i, { extension: String(ext.number), device_type: '' }))));
    expect(twice.problems.map(describeProblem)).toEqual(['row 3, extension: Extension 5001 is also in row 2']);
  });

  it('fills a username from the name, avoiding the directory and the other rows', async () => {
    const csv = newHireCsv(3, (i) => newHireRow(i, { username: '', first_name: 'Tom', last_name: 'Aken', email: `tom${i}@example.com` }));
    await userThroughApproval(deps, requester, janeDoe({ username: 'taken', email: 'taken0@example.com' }));
    const checked = await checkImport(deps, requester, table(csv));
    expect(checked.problems).toEqual([]);
    expect(checked.valid.map((r) => r.payload.username)).toEqual(['taken2', 'taken3', 'taken4']);
  });

  it('a clone_from row copies the source settings at approval, and says which user is missing', async () => {
    const checked = await checkImport(deps, requester, table(newHireCsv(2, (i) => newHireRow(400 + i, { clone_from: i === 1 ? 'taken1' : 'nobody', site: '', department: '', profile: '', collections: '' }))));
    expect(checked.problems.map(describeProblem)).toEqual(['row 3, clone_from: There is no user nobody to clone']);
    expect(checked.valid[0]).toMatchObject({ kind: 'clone_user', payload: { sourceUsername: 'taken1', username: 'hire401' } });
    expect(checked.valid[0]?.payload.collectionIds).toBeUndefined();
  });
});
