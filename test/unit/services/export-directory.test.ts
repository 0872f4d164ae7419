import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { DirectoryExportRow } from '../../../src/db/repositories/directory-export.js';
import { directoryExportCsv, directoryExportCsvYielding, EXPORT_COLUMNS } from '../../../src/services/export-directory.js';

const row = (overrides: Partial<DirectoryExportRow> = {}): DirectoryExportRow => ({
  username: 'jdoe',
  firstName: 'Jane',
  lastName: 'Doe',
  email: 'jane.doe@example.com',
  phone: '+15555551234',
  userType: 'agent',
  agentId: 100001,
  extensionNumber: 1001,
  deviceType: 'softphone',
  siteName: 'Austin, TX',
  departmentName: 'Billing Support',
  billingUnitName: 'BU 100',
  profileName: 'Standard',
  status: 'active',
  createdAt: new Date('2026-11-23T09:00:00.123Z'),
  lastSignInAt: null,
  ...overrides,
});

const read = (csv: string) => z.array(z.array(z.string())).parse(parse(csv));

describe('directoryExportCsv', () => {
  it('writes the header and one line per user, in the given order, with the sign-in name and ISO times', () => {
    const csv = directoryExportCsv([row(), row({ username: 'zed', userType: 'non_agent', agentId: null, extensionNumber: null, deviceType: null, email: null, lastSignInAt: new Date('2026-12-01T08:30:00Z') })], 'abc');
    expect(read(csv)).toEqual([
      [...EXPORT_COLUMNS],
      ['jdoe', 'jdoe@abc', 'Jane', 'Doe', 'jane.doe@example.com', "'+15555551234", 'agent', '100001', '1001', 'softphone', 'Austin, TX', 'Billing Support', 'BU 100', 'Standard', 'active', '2026-11-23T09:00:00.123Z', ''],
      ['zed', 'zed@abc', 'Jane', 'Doe', '', "'+15555551234", 'non_agent', '', '', '', 'Austin, TX', 'Billing Support', 'BU 100', 'Standard', 'active', '2026-11-23T09:00:00.123Z', '2026-12-01T08:30:00.000Z'],
    ]);
  });

  it('gives the header alone for no users', () => {
    expect(directoryExportCsv([], 'abc')).toBe(`${EXPORT_COLUMNS.join(',')}\n`);
  });

  it.each(['=HYPERLINK("http://x","y")', '+1+1', '-2+3', '@SUM(A1)', '\tTab', '\rReturn'])('neutralises %j wherever it is', (formula) => {
    const [, line] = read(directoryExportCsv([row({ firstName: formula, lastName: formula, siteName: formula, profileName: formula })], 'abc'));
    for (const column of ['first_name', 'last_name', 'site', 'profile'] as const) expect(line![EXPORT_COLUMNS.indexOf(column)]).toBe(`'${formula}`);
  });

  it('quotes commas, quotes and newlines so every value stays in its column', () => {
    const [, line] = read(directoryExportCsv([row({ firstName: 'Jane "JJ", Jr.', lastName: 'Doe\nSmith' })], 'abc'));
    expect(line).toHaveLength(EXPORT_COLUMNS.length);
    expect(line!.slice(2, 4)).toEqual(['Jane "JJ", Jr.', 'Doe\nSmith']);
  });

  it('written in chunks (yielding between them) gives the same file as at once, header first, no line lost or doubled', async () => {
    const many = Array.from({ length: 4_501 }, (_, i) => row({ username: `user${String(i).padStart(5, '0')}`, firstName: i % 7 === 0 ? '=1+1' : 'Jane' }));
    const chunked = await directoryExportCsvYielding(many, 'abc');
    expect(chunked).toBe(directoryExportCsv(many, 'abc'));
    expect(read(chunked)).toHaveLength(4_502);
    expect(await directoryExportCsvYielding([], 'abc')).toBe(directoryExportCsv([], 'abc'));
  });
});
