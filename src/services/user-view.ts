import type { UserRow } from '../db/repositories/users.js';

/** A user as the rest of the app may see it: no password hash, no sign-in counters. */
export type PublicUser = Omit<UserRow, 'passwordHash' | 'failedSignIns' | 'lockedUntil'>;

export function toPublicUser(row: UserRow): PublicUser {
  const { passwordHash: _hash, failedSignIns: _failed, lockedUntil: _locked, ...rest } = row;
  return rest;
}
