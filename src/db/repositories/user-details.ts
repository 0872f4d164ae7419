import { and, asc, count, desc, eq, sql } from 'drizzle-orm';
import type { Db } from '../client.js';
import { auditEvents, billingUnits, collections, departments, extensions, profiles, sites, userCollections, users } from '../schema/index.js';

/**
 * The reads behind the user card and its history. Each select names its columns: the password hash,
 * the sign-in counters and the device secret are never read here, so they cannot reach a card.
 */
export interface UserCardRow {
  id: number;
  username: string;
  firstName: string;
  lastName: string;
  email: string | null;
  status: 'active' | 'deactivated';
  userType: 'agent' | 'supervisor' | 'admin' | 'non_agent';
  agentId: number | null;
  siteName: string | null;
  departmentName: string | null;
  billingUnitName: string | null;
  profileName: string | null;
  extensionNumber: number | null;
  deviceType: string | null;
  createdBy: string;
  createdAt: Date;
  deactivatedBy: string | null;
  deactivatedAt: Date | null;
  lockedUntil: Date | null;
  version: number;
}

export async function userCardRow(db: Db, username: string): Promise<UserCardRow | undefined> {
  const [row] = await db
    .select({
      id: users.id,
      username: users.username,
      firstName: users.firstName,
      lastName: users.lastName,
      email: users.email,
      status: users.status,
      userType: users.userType,
      agentId: users.agentId,
      siteName: sites.name,
      departmentName: departments.name,
      billingUnitName: billingUnits.name,
      profileName: profiles.name,
      extensionNumber: extensions.number,
      deviceType: extensions.deviceType,
      createdBy: users.createdBy,
      createdAt: users.createdAt,
      deactivatedBy: users.deactivatedBy,
      deactivatedAt: users.deactivatedAt,
      lockedUntil: users.lockedUntil,
      version: users.version,
    })
    .from(users)
    .leftJoin(sites, eq(sites.key, users.siteKey))
    .leftJoin(departments, eq(departments.key, users.departmentKey))
    .leftJoin(billingUnits, eq(billingUnits.key, users.billingUnitKey))
    .leftJoin(profiles, eq(profiles.key, users.profileKey))
    .leftJoin(extensions, eq(extensions.assignedUserId, users.id))
    // The case-insensitive username index serves this.
    .where(sql`lower(${users.username}) = lower(${username})`);
  return row;
}

/** The names of the user's collections (retired ones too: the user still has them), by kind then name. */
export async function collectionNamesOfUser(db: Db, userId: number): Promise<{ name: string; kind: 'user' | 'agent'; active: boolean }[]> {
  return db
    .select({ name: collections.name, kind: collections.kind, active: collections.active })
    .from(userCollections)
    .innerJoin(collections, eq(collections.id, userCollections.collectionId))
    .where(eq(userCollections.userId, userId))
    .orderBy(asc(collections.kind), asc(collections.name));
}

/** When the latest audit entry of this action on the entity was written (the last sign-in), if ever. */
export async function latestAuditAt(db: Db, entityType: string, entityId: string, action: string): Promise<Date | undefined> {
  const [row] = await db
    .select({ at: auditEvents.at })
    .from(auditEvents)
    .where(and(eq(auditEvents.entityType, entityType), eq(auditEvents.entityId, entityId), eq(auditEvents.action, action)))
    .orderBy(desc(auditEvents.at), desc(auditEvents.id))
    .limit(1);
  return row?.at;
}

export interface AuditPageRow {
  id: number;
  at: Date;
  actor: string;
  action: string;
  details: unknown;
}

/** One page of an entity's audit trail, newest first (served by the audit_entity index). */
export async function auditPage(db: Db, entityType: string, entityId: string, limit: number, offset: number): Promise<AuditPageRow[]> {
  return db
    .select({ id: auditEvents.id, at: auditEvents.at, actor: auditEvents.actor, action: auditEvents.action, details: auditEvents.details })
    .from(auditEvents)
    .where(and(eq(auditEvents.entityType, entityType), eq(auditEvents.entityId, entityId)))
    .orderBy(desc(auditEvents.at), desc(auditEvents.id))
    .limit(limit)
    .offset(offset);
}

export async function auditCount(db: Db, entityType: string, entityId: string): Promise<number> {
  const [row] = await db
    .select({ n: count() })
    .from(auditEvents)
    .where(and(eq(auditEvents.entityType, entityType), eq(auditEvents.entityId, entityId)));
  return Number(row?.n ?? 0);
}
