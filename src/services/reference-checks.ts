import { issue, type FieldIssue } from '../domain/errors.js';
import type { ReferenceChoices } from '../db/repositories/reference-data.js';
import type { Actor } from './context.js';

export interface ReferenceSelection {
  siteKey?: string | null | undefined;
  departmentKey?: string | null | undefined;
  billingUnitKey?: string | null | undefined;
  profileKey?: string | null | undefined;
  clusterKey?: string | null | undefined;
  /** `'all'` or undefined: every active collection (a clone's default is filled in before this). */
  collectionIds?: readonly number[] | 'all' | undefined;
}

export interface ResolvedReferences {
  siteKey: string | null;
  departmentKey: string | null;
  billingUnitKey: string | null;
  profileKey: string;
  clusterKey: string | null;
  collectionIds: number[];
}

const LABELS = { siteKey: 'Site', departmentKey: 'Department', billingUnitKey: 'Billing Unit', profileKey: 'Profile' } as const;

/**
 * Checks every choice against the active reference data, fills the defaults (the tenant's default
 * profile; all collections), and enforces who may pick a CUCM cluster: portal admins only, and only
 * where several clusters exist — the seed's rule, applied server-side whatever a form offered.
 */
export function resolveReferences(
  choices: ReferenceChoices,
  selection: ReferenceSelection,
  actor: Actor,
): { resolved?: ResolvedReferences; issues: FieldIssue[] } {
  const issues: FieldIssue[] = [];
  const pick = (field: keyof typeof LABELS, list: readonly { key: string }[]): string | null => {
    const key = selection[field];
    if (!key) return null;
    if (list.some((c) => c.key === key)) return key;
    issues.push(issue(field, 'unknown_reference', `${LABELS[field]} "${key}" does not exist (or is no longer offered)`));
    return null;
  };
  const siteKey = pick('siteKey', choices.sites);
  const departmentKey = pick('departmentKey', choices.departments);
  const billingUnitKey = pick('billingUnitKey', choices.billingUnits);
  const profileKey = pick('profileKey', choices.profiles) ?? (selection.profileKey ? null : (choices.profiles.find((p) => p.isDefault)?.key ?? null));
  if (!profileKey && !selection.profileKey) issues.push(issue('profileKey', 'required', 'Profile is required and no default profile is set up'));

  let clusterKey: string | null = null;
  if (selection.clusterKey) {
    if (!actor.portalAdmin) issues.push(issue('clusterKey', 'not_allowed', 'Only portal administrators can choose a cluster'));
    else if (choices.clusters.length < 2) issues.push(issue('clusterKey', 'not_allowed', 'There is only one CUCM cluster, so there is none to choose'));
    else if (!choices.clusters.some((c) => c.key === selection.clusterKey)) issues.push(issue('clusterKey', 'unknown_reference', `Cluster "${selection.clusterKey}" does not exist`));
    else clusterKey = selection.clusterKey;
  }

  const known = new Set(choices.collections.map((c) => c.id));
  const wanted = selection.collectionIds === undefined || selection.collectionIds === 'all' ? [...known] : selection.collectionIds;
  const unknown = wanted.filter((id) => !known.has(id));
  if (unknown.length > 0) issues.push(issue('collectionIds', 'unknown_reference', `Unknown collection${unknown.length > 1 ? 's' : ''}: ${unknown.join(', ')}`));
  const collectionIds = [...new Set(wanted)].sort((a, b) => a - b);

  if (issues.length > 0 || !profileKey) return { issues };
  return { issues, resolved: { siteKey, departmentKey, billingUnitKey, profileKey, clusterKey, collectionIds } };
}
