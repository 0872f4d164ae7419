import { describeRanges, nextFreeExtension } from '../domain/extension-number.js';
import { rangesWithTakenNumbers } from '../db/repositories/extensions.js';
import { cachedReferenceChoices, cachedReferenceChoicesWithFreeExtensions, referenceChoicesAt } from '../db/repositories/reference-data-cache.js';
import type { ReferenceChoices } from '../db/repositories/reference-data.js';
import type { Actor, ServiceDeps } from './context.js';

/** Slack's static selects hold at most 100 options. */
const FREE_EXTENSIONS_OFFERED = 100;

export type { ReferenceChoices };

/**
 * No form can be offered before the operator loads the reference data: there would be no Site, no
 * Profile (which every user needs), no caller ID. Told before any modal opens, never as a field error.
 */
export class ReferenceDataMissing extends Error {
  override readonly name = 'ReferenceDataMissing';
  constructor() {
    super('there is no reference data: load a file first');
  }
}

/** The same rule as the start-up check: reference data is loaded when there is a profile to choose. */
export function isReferenceDataLoaded(choices: Pick<ReferenceChoices, 'profiles'>): boolean {
  return choices.profiles.length > 0;
}

function requireReferenceData<T extends Pick<ReferenceChoices, 'profiles'>>(choices: T): T {
  if (!isReferenceDataLoaded(choices)) throw new ReferenceDataMissing();
  return choices;
}

/** What the User Info step offers this person, and whether they may pick a CUCM cluster. Throws ReferenceDataMissing. */
export async function userFormData(deps: ServiceDeps, actor: Actor) {
  // One round trip while the lists are cached: the free extensions and the reference-data version.
  const { choices, freeExtensions } = await cachedReferenceChoicesWithFreeExtensions(deps.db, FREE_EXTENSIONS_OFFERED);
  requireReferenceData(choices);
  return {
    choices: { ...choices, freeExtensions },
    // The seed: the Clusters menu shows for portal admins, and only when several clusters exist.
    showClusters: actor.portalAdmin && choices.clusters.length > 1,
  };
}

/** What the extension form offers, with the next free number to prefill. Throws ReferenceDataMissing. */
export async function extensionFormData(deps: ServiceDeps) {
  // One statement while the lists are cached: the ranges and their used numbers carry the version.
  const { ranges, taken, referenceVersion } = await rangesWithTakenNumbers(deps.db);
  const choices = requireReferenceData(await referenceChoicesAt(deps.db, referenceVersion));
  return {
    callerIds: choices.callerIds,
    e911Locations: choices.e911Locations,
    suggestedNumber: nextFreeExtension(ranges, (n) => taken.has(n)),
    rangesText: describeRanges(ranges),
  };
}

/**
 * Names of reference keys, for summaries of requests: retired ones too, as users and old requests may
 * name them. `atVersion` is a reference-data version the caller has just read (a submission's check
 * reads it in its directory statement): then the names cost no round trip of their own.
 */
export async function referenceNames(deps: Pick<ServiceDeps, 'db'>, atVersion?: number) {
  const choices = atVersion === undefined ? await cachedReferenceChoices(deps.db) : await referenceChoicesAt(deps.db, atVersion);
  // Retired rows first, so an active row of the same key (a reload that brought it back) wins.
  const names = (list: { key: string; name: string }[], retired: { key: string; name: string }[] = []) => new Map([...retired, ...list].map((c) => [c.key, c.name]));
  const { retiredNames } = choices;
  return {
    sites: names(choices.sites, retiredNames.sites),
    departments: names(choices.departments, retiredNames.departments),
    billingUnits: names(choices.billingUnits, retiredNames.billingUnits),
    profiles: names(choices.profiles, retiredNames.profiles),
    clusters: names(choices.clusters),
    callerIds: names(choices.callerIds),
    e911Locations: names(choices.e911Locations),
    collectionCount: choices.collections.length,
    collections: new Map(choices.collections.map((c) => [c.id, c.name])),
    loaded: isReferenceDataLoaded(choices),
  };
}

/** The collections the Collections step offers (active ones, users' then agents'). */
export async function listCollections(deps: Pick<ServiceDeps, 'db'>) {
  return (await cachedReferenceChoices(deps.db)).collections;
}
