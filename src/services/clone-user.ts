import { cloneDefaults, type CloneDefaults } from '../domain/clone.js';
import { reject } from '../domain/errors.js';
import { activeCollectionIdsOfUser, findUserByUsername } from '../db/repositories/users.js';
import type { ServiceDeps } from './context.js';
import type { UserInfoInput } from './user-fields.js';

/**
 * What the Clone User form starts from; the Slack layer prefills with it. Only site, department,
 * billing unit, profile and collections come from the source: names, username, phone, email and
 * password are never copied.
 */
export async function cloneTemplate(deps: ServiceDeps, sourceUsername: string) {
  // Postgres text cannot hold NUL (it refuses it as a parameter), so no stored user has such a name.
  const source = sourceUsername.includes('\u0000') ? undefined : await findUserByUsername(deps.db, sourceUsername);
  if (!source) return reject('sourceUsername', 'not_found', `There is no user ${sourceUsername} to clone`);
  const defaults = cloneDefaults({
    siteKey: source.siteKey,
    departmentKey: source.departmentKey,
    billingUnitKey: source.billingUnitKey,
    profileKey: source.profileKey,
    collectionIds: await activeCollectionIdsOfUser(deps.db, source.id),
  });
  return { source: { id: source.id, username: source.username, userType: source.userType }, defaults };
}

/**
 * The clone's input with the source user's settings filled in where the form left them unchanged.
 * `undefined` means "not changed in the form": keep the source's value. An explicit null clears it.
 * Collections: `'all'` (Select All) is every collection, not the source's; only undefined copies them.
 * Used when an approved clone request is carried out (services/request-execution.ts).
 */
export async function withCloneDefaults<I extends UserInfoInput & { sourceUsername: string }>(deps: ServiceDeps, input: I) {
  const { source, defaults } = await cloneTemplate(deps, input.sourceUsername);
  return { source, merged: mergeCloneDefaults(input, defaults) };
}

/** The merge of withCloneDefaults on its own, for a caller that read the source already (an import reads all sources at once). */
export function mergeCloneDefaults<I extends UserInfoInput>(input: I, defaults: CloneDefaults): I {
  return {
    ...input,
    siteKey: input.siteKey === undefined ? defaults.siteKey : input.siteKey,
    departmentKey: input.departmentKey === undefined ? defaults.departmentKey : input.departmentKey,
    billingUnitKey: input.billingUnitKey === undefined ? defaults.billingUnitKey : input.billingUnitKey,
    profileKey: input.profileKey === undefined ? defaults.profileKey : input.profileKey,
    collectionIds: input.collectionIds === undefined ? [...defaults.collectionIds] : input.collectionIds,
  };
}
