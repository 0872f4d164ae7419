import { InvalidInput, issue, type FieldIssue } from '../domain/errors.js';
import { matchReference } from '../domain/reference-match.js';
import { allSitesAndDepartments } from '../db/repositories/reference-data.js';
import type { ServiceDeps } from './context.js';
import { FILTER_KEYS_MAX } from './search-users.js';

export interface TypedPlaceFilters {
  site?: string;
  department?: string;
}

export interface ResolvedPlaceFilters {
  siteKeys: string[];
  departmentKeys: string[];
}

/**
 * The site and department words of a typed find (keys or names, or parts of them) as keys. A word that
 * names nothing, or too many, is refused with what there is to choose from.
 */
export async function resolvePlaceFilters(deps: Pick<ServiceDeps, 'db'>, typed: TypedPlaceFilters): Promise<ResolvedPlaceFilters> {
  if (typed.site === undefined && typed.department === undefined) return { siteKeys: [], departmentKeys: [] };
  const all = await allSitesAndDepartments(deps.db);
  const issues: FieldIssue[] = [];
  const resolve = (field: 'site' | 'department', word: string | undefined, items: { key: string; name: string }[]): string[] => {
    if (word === undefined) return [];
    const found = matchReference(word, items);
    const known = items.slice(0, 15).map((i) => i.key).join(', ') + (items.length > 15 ? `, and ${items.length - 15} more` : '');
    if (found.length === 0) issues.push(issue(field, 'unknown_reference', `No ${field} matches "${word}"${items.length > 0 ? ` (there are: ${known})` : ''}`));
    else if (found.length > FILTER_KEYS_MAX) issues.push(issue(field, 'invalid_format', `"${word}" matches ${found.length} ${field}s; say more of the name`));
    return found.map((i) => i.key);
  };
  const siteKeys = resolve('site', typed.site, all.sites);
  const departmentKeys = resolve('department', typed.department, all.departments);
  if (issues.length > 0) throw new InvalidInput(issues);
  return { siteKeys, departmentKeys };
}

/** What the App Home's Find a user form offers: every site and department (retired ones too). */
export async function findFormChoices(deps: Pick<ServiceDeps, 'db'>): Promise<{ sites: { key: string; name: string }[]; departments: { key: string; name: string }[] }> {
  return allSitesAndDepartments(deps.db);
}
