import { asc, eq, sql } from 'drizzle-orm';
import type { Db } from '../client.js';
import { auditEvents, billingUnits, departments, extensions, profiles, sites, users } from '../schema/index.js';
import { searchFilterSql, searchTextMatchSql, type UserSearch } from './users.js';

/** One user as the export lists them. Names of reference data, not keys: the file is read by people. */
export interface DirectoryExportRow {
  username: string;
  firstName: string;
  lastName: string;
  email: string | null;
  phone: string;
  userType: (typeof users.$inferSelect)['userType'];
  agentId: number | null;
  extensionNumber: number | null;
  deviceType: (typeof extensions.$inferSelect)['deviceType'] | null;
  siteName: string | null;
  departmentName: string | null;
  billingUnitName: string | null;
  profileName: string | null;
  status: (typeof users.$inferSelect)['status'];
  createdAt: Date;
  lastSignInAt: Date | null;
}

export type DirectoryExportQuery = Pick<UserSearch, 'text' | 'kind' | 'siteKeys' | 'departmentKeys' | 'status'> & { limit: number };

/**
 * The users a find with these filters matches, every one (no page), in username order (the same byte
 * order as find's list), at most `limit`. The columns are named one by one: the password hash, the
 * device secret and the rest of the sign-in state never leave the database this way.
 */
export async function directoryExportRows(db: Db, q: DirectoryExportQuery): Promise<DirectoryExportRow[]> {
  const text = q.text?.trim();
  const where = text ? sql`${searchFilterSql(q)} and ${searchTextMatchSql(text)}` : searchFilterSql(q);
  // The latest sign-in is the user's latest `user.sign_in` audit row, as on the user card (audit_entity index).
  const lastSignIn = sql<Date | string | null>`(select max(${auditEvents.at}) from ${auditEvents}
    where ${auditEvents.entityType} = 'user' and ${auditEvents.entityId} = ${users.id}::text and ${auditEvents.action} = 'user.sign_in')`;
  const rows = await db
    .select({
      username: users.username,
      firstName: users.firstName,
      lastName: users.lastName,
      email: users.email,
      phone: users.phone,
      userType: users.userType,
      agentId: users.agentId,
      extensionNumber: extensions.number,
      deviceType: extensions.deviceType,
      siteName: sites.name,
      departmentName: departments.name,
      billingUnitName: billingUnits.name,
      profileName: profiles.name,
      status: users.status,
      createdAt: users.createdAt,
      lastSignInAt: lastSignIn,
    })
    .from(users)
    .leftJoin(sites, eq(sites.key, users.siteKey))
    .leftJoin(departments, eq(departments.key, users.departmentKey))
    .leftJoin(billingUnits, eq(billingUnits.key, users.billingUnitKey))
    .leftJoin(profiles, eq(profiles.key, users.profileKey))
    .leftJoin(extensions, eq(extensions.assignedUserId, users.id))
    .where(where)
    .orderBy(sql`lower(${users.username}) collate "C"`, asc(users.id))
    .limit(q.limit);
  // A raw subquery comes back as text on postgres.js and as a Date on PGlite: one type for the caller.
  return rows.map((r) => ({ ...r, lastSignInAt: r.lastSignInAt === null ? null : new Date(r.lastSignInAt) }));
}
