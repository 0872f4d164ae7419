import { stringify } from 'csv-stringify/sync';
import { z } from 'zod';
import { recordAudit } from '../db/repositories/audit.js';
import { directoryExportRows, type DirectoryExportRow } from '../db/repositories/directory-export.js';
import { neutralizeCsvCell } from '../text/csv-cell.js';
import type { Actor, ServiceDeps } from './context.js';
import { resolvePlaceFilters } from './find-filters.js';
import { parseInput } from './input.js';

/**
 * `/provision export`: the directory as a CSV, for audits and spreadsheets. The same filters as find
 * (typed site and department words resolved the same way, text matched the same way, active users
 * unless a status says otherwise), every match in username order, without paging. Who may export is
 * decided by the caller (requesters and approvers, the people who may see cards).
 */

/** More rows than a spreadsheet comfortably opens; a directory this big is exported in parts (by site). */
export const EXPORT_MAX_ROWS = 100_000;

// Postgres text (and jsonb, where the audit row keeps the filters as typed) cannot hold NUL.
const typed = z
  .string()
  .max(200)
  .refine((t) => !t.includes('\u0000'), 'A filter cannot contain NUL characters');

export const exportDirectoryInput = z.object({
  text: typed.default(''),
  site: typed.optional(),
  department: typed.optional(),
  status: z.enum(['active', 'deactivated', 'all']).default('active'),
  type: z.enum(['all', 'agent', 'non_agent']).default('all'),
});
export type ExportDirectoryInput = z.input<typeof exportDirectoryInput>;

export const EXPORT_COLUMNS = [
  'username',
  'sign_in_name',
  'first_name',
  'last_name',
  'email',
  'phone',
  'user_type',
  'agent_id',
  'extension',
  'device_type',
  'site',
  'department',
  'billing_unit',
  'profile',
  'status',
  'created_at',
  'last_sign_in',
] as const;

export interface DirectoryExport {
  /** The CSV with its header; empty rows give the header alone. */
  csv: string;
  rowCount: number;
  /** More users matched than EXPORT_MAX_ROWS: the file holds the first ones in username order. */
  truncated: boolean;
}

/** One user's line of the export, every cell neutralised (see directoryExportCsv). */
export function directoryExportLine(r: DirectoryExportRow, tenantSuffix: string): string[] {
  const cell = (value: string | number | Date | null): string => neutralizeCsvCell(value === null ? '' : value instanceof Date ? value.toISOString() : String(value));
  return [
    r.username,
    `${r.username}@${tenantSuffix}`,
    r.firstName,
    r.lastName,
    r.email,
    r.phone,
    r.userType,
    r.agentId,
    r.extensionNumber,
    r.deviceType,
    r.siteName,
    r.departmentName,
    r.billingUnitName,
    r.profileName,
    r.status,
    r.createdAt,
    r.lastSignInAt,
  ].map(cell);
}

/**
 * The CSV of these rows. Every cell goes through neutralizeCsvCell, so a name or an email a person
 * typed as `=HYPERLINK(…)` is text in the spreadsheet, never a formula; quoting is csv-stringify's.
 * The sign-in name is the username and the tenant suffix as the welcome gives it (built here rather
 * than checked again, so one odd stored name cannot stop an audit's export).
 */
export function directoryExportCsv(rows: readonly DirectoryExportRow[], tenantSuffix: string): string {
  return stringify([[...EXPORT_COLUMNS], ...rows.map((r) => directoryExportLine(r, tenantSuffix))]);
}

/** Rows written between two turns of the event loop: 100,000 at once would hold it for most of a second. */
const CSV_CHUNK_ROWS = 2_000;

/** directoryExportCsv in chunks, yielding between them so the instance keeps acking other people's clicks. */
export async function directoryExportCsvYielding(rows: readonly DirectoryExportRow[], tenantSuffix: string): Promise<string> {
  const parts = [stringify([[...EXPORT_COLUMNS]])];
  for (let start = 0; start < rows.length; start += CSV_CHUNK_ROWS) {
    parts.push(stringify(rows.slice(start, start + CSV_CHUNK_ROWS).map((r) => directoryExportLine(r, tenantSuffix))));
    await new Promise((resolve) => setImmediate(resolve));
  }
  return parts.join('');
}

/**
 * Reads the matching users and writes the `directory.exported` audit row (the filters as typed and
 * resolved, and the row count) in one transaction. A site or department word that names nothing is
 * refused (InvalidInput, as find refuses it) before anything is read.
 */
export async function exportDirectory(deps: Pick<ServiceDeps, 'db' | 'settings'>, actor: Actor, raw: ExportDirectoryInput): Promise<DirectoryExport> {
  const input = parseInput(exportDirectoryInput, raw);
  const places = await resolvePlaceFilters(deps, { site: input.site, department: input.department });
  // The transaction holds only the read and its audit row; the CSV is written after it ends.
  const read = await deps.db.transaction(async (tx) => {
    const rows = await directoryExportRows(tx, { text: input.text, kind: input.type, siteKeys: places.siteKeys, departmentKeys: places.departmentKeys, status: input.status, limit: EXPORT_MAX_ROWS + 1 });
    const truncated = rows.length > EXPORT_MAX_ROWS;
    const kept = truncated ? rows.slice(0, EXPORT_MAX_ROWS) : rows;
    await recordAudit(tx, {
      actor: actor.id,
      action: 'directory.exported',
      entityType: 'directory',
      entityId: 'users',
      details: {
        filters: {
          ...(input.text ? { text: input.text } : {}),
          ...(input.site !== undefined ? { site: input.site, siteKeys: places.siteKeys } : {}),
          ...(input.department !== undefined ? { department: input.department, departmentKeys: places.departmentKeys } : {}),
          status: input.status,
          type: input.type,
        },
        rowCount: kept.length,
        ...(truncated ? { truncated: true } : {}),
      },
    });
    return { rows: kept, truncated };
  });
  return { csv: await directoryExportCsvYielding(read.rows, deps.settings.tenantSuffix), rowCount: read.rows.length, truncated: read.truncated };
}
