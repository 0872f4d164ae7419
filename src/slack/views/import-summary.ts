import { isAgentType, type UserType } from '../../domain/user-types.js';
import type { ImportBatchPayload, StoredPayload } from '../../services/request-payload.js';
import type { ReferenceNames, RequestField, RequestSummary } from './request-summary.js';

/**
 * How an `import_batch` request reads to an approver: how many users, agents and new extensions,
 * counts by site and department, and the first rows. Built from the payload's known keys only, as
 * every summary is (request-summary.ts), so no password hash can reach it.
 */

/** Rows shown one by one; the rest are counted. */
export const IMPORT_ROWS_SHOWN = 5;

const TYPE_WORDS: Readonly<Record<UserType, string>> = { agent: 'agent', supervisor: 'supervisor', admin: 'admin', non_agent: 'non-agent' };

export function isImportPayload(p: StoredPayload): p is ImportBatchPayload {
  return Array.isArray((p as Partial<ImportBatchPayload>).rows) && typeof (p as Partial<ImportBatchPayload>).fileName === 'string';
}

function counts(values: readonly string[]): string {
  const tally = new Map<string, number>();
  for (const v of values) tally.set(v, (tally.get(v) ?? 0) + 1);
  return [...tally.entries()]
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .map(([name, n]) => `${name} ${n}`)
    .join(' · ');
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

export function describeImport(p: ImportBatchPayload, names: ReferenceNames): RequestSummary {
  const users = p.rows.map((r) => r.payload);
  const agents = users.filter((u) => isAgentType(u.userType)).length;
  const newExtensions = users.filter((u) => u.newExtension !== undefined).length;
  const clones = p.rows.filter((r) => r.kind === 'clone_user').length;
  const name = (map: ReadonlyMap<string, string>, key: string | null | undefined, clone: boolean) => (key ? (map.get(key) ?? key) : clone ? 'as the clone source' : 'none');
  const fields: RequestField[] = [
    { label: 'File', value: p.fileName },
    { label: 'Users', value: `${users.length}: ${plural(agents, 'agent')} with ${plural(newExtensions, 'new extension')}${clones > 0 ? `; ${clones} cloned` : ''}` },
  ];
  if (p.skippedRows > 0) fields.push({ label: 'Rows left out', value: `${p.skippedRows} (refused at validation)` });
  fields.push(
    { label: 'By site', value: counts(p.rows.map((r) => name(names.sites, r.payload.siteKey, r.kind === 'clone_user'))) },
    { label: 'By department', value: counts(p.rows.map((r) => name(names.departments, r.payload.departmentKey, r.kind === 'clone_user'))) },
  );
  for (const r of p.rows.slice(0, IMPORT_ROWS_SHOWN)) {
    const u = r.payload;
    const parts = [`${u.username} (${`${u.firstName} ${u.lastName}`.trim()})`, TYPE_WORDS[u.userType] ?? u.userType];
    if (u.siteKey) parts.push(names.sites.get(u.siteKey) ?? u.siteKey);
    if (u.newExtension) parts.push('new extension');
    else if (u.extensionNumber !== null && u.extensionNumber !== undefined && u.extensionNumber !== '') parts.push(`extension ${u.extensionNumber}`);
    if (r.kind === 'clone_user' && u.sourceUsername) parts.push(`clone of ${u.sourceUsername}`);
    fields.push({ label: `Row ${r.row}`, value: parts.join(', ') });
  }
  if (p.rows.length > IMPORT_ROWS_SHOWN) fields.push({ label: 'And', value: `${p.rows.length - IMPORT_ROWS_SHOWN} more rows` });
  return { title: `Import of ${plural(users.length, 'new hire')} from ${p.fileName}`, fields };
}
