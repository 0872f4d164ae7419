import { z } from 'zod';
import type { UserStatus, UserType } from '../domain/user-types.js';
import { collectionNamesOfUser, latestAuditAt, userCardRow } from '../db/repositories/user-details.js';
import type { ServiceDeps } from './context.js';
import { parseInput } from './input.js';

export const userCardInput = z.object({ username: z.string().trim().min(1).max(254) });

/**
 * One user as the card shows it. An explicit list of what may be shown: there is no field for a
 * password, its hash, the sign-in counters or the extension's device secret, so none can leak.
 */
export interface UserCard {
  username: string;
  firstName: string;
  lastName: string;
  email: string | null;
  status: UserStatus;
  userType: UserType;
  agentId: number | null;
  extension: { number: number; deviceType: string } | null;
  siteName: string | null;
  departmentName: string | null;
  billingUnitName: string | null;
  profileName: string | null;
  /** Every collection the user is in, by kind then name; `retired` ones are no longer offered. */
  collections: { name: string; kind: 'user' | 'agent'; retired: boolean }[];
  createdBy: string;
  createdAt: Date;
  deactivatedBy: string | null;
  deactivatedAt: Date | null;
  /** The last successful sign-in (from the audit trail); null when never. */
  lastSignInAt: Date | null;
  /** Until when sign-in is locked after failed attempts; null when it is not locked now. */
  lockedUntil: Date | null;
  /** The version a change request is made against (users.version). */
  version: number;
}

/** The card of the user with this username (any case), or undefined when there is none. */
export async function userCard(deps: Pick<ServiceDeps, 'db' | 'now'>, raw: unknown): Promise<UserCard | undefined> {
  const { username } = parseInput(userCardInput, raw);
  if (username.includes('\u0000')) return undefined;
  const row = await userCardRow(deps.db, username.replace(/^@/, ''));
  if (!row) return undefined;
  const [names, lastSignIn] = await Promise.all([collectionNamesOfUser(deps.db, row.id), latestAuditAt(deps.db, 'user', String(row.id), 'user.sign_in')]);
  const now = deps.now();
  return {
    username: row.username,
    firstName: row.firstName,
    lastName: row.lastName,
    email: row.email,
    status: row.status,
    userType: row.userType,
    agentId: row.agentId,
    extension: row.extensionNumber === null ? null : { number: row.extensionNumber, deviceType: row.deviceType ?? '' },
    siteName: row.siteName,
    departmentName: row.departmentName,
    billingUnitName: row.billingUnitName,
    profileName: row.profileName,
    collections: names.map((c) => ({ name: c.name, kind: c.kind, retired: !c.active })),
    createdBy: row.createdBy,
    createdAt: row.createdAt,
    deactivatedBy: row.deactivatedBy,
    deactivatedAt: row.deactivatedAt,
    lastSignInAt: lastSignIn ?? null,
    lockedUntil: row.lockedUntil !== null && row.lockedUntil.getTime() > now.getTime() ? row.lockedUntil : null,
    version: row.version,
  };
}
