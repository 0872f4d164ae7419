/**
 * What Clone User carries from the source user to the new one (clone seed, SPEC "Rules from the
 * seeds"): the collection assignments — the point of cloning — and site, department, billing unit and
 * profile as defaults the requester may change. Nothing that identifies a person is copied: names,
 * username, phone, email and password are always entered anew (and the password made anew), so a
 * clone can never sign in as, or be mistaken for, its source. Agent ID and extension are not copied
 * either: both must be unique to the new user.
 */
export interface CloneSource {
  siteKey: string | null;
  departmentKey: string | null;
  billingUnitKey: string | null;
  profileKey: string;
  collectionIds: readonly number[];
}

export type CloneDefaults = CloneSource;

/**
 * Picks the five settings by name, so passing a whole user record copies nothing else. Collection IDs
 * are copied (the caller's list is never shared), deduplicated and sorted, so the prefilled selection
 * does not depend on the order they were read in.
 */
export function cloneDefaults(source: CloneSource): CloneDefaults {
  return {
    siteKey: source.siteKey,
    departmentKey: source.departmentKey,
    billingUnitKey: source.billingUnitKey,
    profileKey: source.profileKey,
    collectionIds: [...new Set(source.collectionIds)].sort((a, b) => a - b),
  };
}
