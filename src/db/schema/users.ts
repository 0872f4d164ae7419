import { sql } from 'drizzle-orm';
import { boolean, index, integer, pgEnum, pgSequence, pgTable, primaryKey, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import { FIRST_AGENT_ID, USER_STATUSES, USER_TYPES } from '../../domain/user-types.js';
import { billingUnits, collections, cucmClusters, departments, profiles, sites } from './reference-data.js';

export const userType = pgEnum('user_type', USER_TYPES);
export const userStatus = pgEnum('user_status', USER_STATUSES);

/** Agent IDs are handed out by the database so that concurrent approvals never pick the same one. */
export const agentIdSequence = pgSequence('agent_id_seq', { startWith: FIRST_AGENT_ID });

export const users = pgTable(
  'users',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    username: text('username').notNull(),
    firstName: text('first_name').notNull(),
    lastName: text('last_name').notNull(),
    /** E.164, e.g. +15555551234. */
    phone: text('phone').notNull(),
    email: text('email'),
    description: text('description'),
    siteKey: text('site_key').references(() => sites.key),
    departmentKey: text('department_key').references(() => departments.key),
    billingUnitKey: text('billing_unit_key').references(() => billingUnits.key),
    profileKey: text('profile_key')
      .notNull()
      .references(() => profiles.key),
    clusterKey: text('cluster_key').references(() => cucmClusters.key),
    userType: userType('user_type').notNull(),
    /** Agents only; a non-agent has none, which is how the users list tells them apart. */
    agentId: integer('agent_id'),
    voicemailAccess: boolean('voicemail_access').notNull().default(false),
    recordingAccess: boolean('recording_access').notNull().default(false),
    notes: text('notes'),
    status: userStatus('status').notNull().default('active'),

    // Sign-in. Only a slow salted hash is stored; a one-time password can only be used to set a new one.
    passwordHash: text('password_hash'),
    passwordOneTime: boolean('password_one_time').notNull().default(true),
    passwordExpiresAt: timestamp('password_expires_at', { withTimezone: true }),
    passwordChangedAt: timestamp('password_changed_at', { withTimezone: true }),
    failedSignIns: integer('failed_sign_ins').notNull().default(0),
    lockedUntil: timestamp('locked_until', { withTimezone: true }),

    createdBy: text('created_by').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    deactivatedBy: text('deactivated_by'),
    deactivatedAt: timestamp('deactivated_at', { withTimezone: true }),
    /**
     * Bumped by every change to the user after creation (edit, deactivation, reactivation). A change
     * request records the version it was made against, and its approval applies only while the user is
     * still at that version: optimistic, so no lock is held across a human's wait.
     */
    version: integer('version').notNull().default(1),
  },
  (t) => [
    // Uniqueness lives in the database, case-insensitively, so concurrent creates cannot both win.
    uniqueIndex('users_username_ci').on(sql`lower(${t.username})`),
    uniqueIndex('users_email_ci').on(sql`lower(${t.email})`),
    uniqueIndex('users_agent_id').on(t.agentId),
    index('users_last_first').on(t.lastName, t.firstName),
    index('users_site').on(t.siteKey),
    index('users_department').on(t.departmentKey),
    // `/provision find` matches text anywhere in these columns (ILIKE '%…%'), which no btree serves:
    // trigram indexes (pg_trgm, created by the migration) keep it fast on a large directory.
    index('users_username_trgm').using('gin', t.username.op('gin_trgm_ops')),
    index('users_email_trgm').using('gin', t.email.op('gin_trgm_ops')),
    index('users_first_name_trgm').using('gin', t.firstName.op('gin_trgm_ops')),
    index('users_last_name_trgm').using('gin', t.lastName.op('gin_trgm_ops')),
    index('users_full_name_trgm').using('gin', sql`(${t.firstName} || ' ' || ${t.lastName}) gin_trgm_ops`),
    // Prefix matches lead `/provision find` (and its order): byte-ordered ("C") btrees on the lower-cased
    // columns answer `>= term and < next` ranges with any parameter, and the username one gives the order
    // (the same under every server collation, and PGlite's).
    index('users_username_c').on(sql`lower(${t.username}) collate "C"`),
    index('users_email_c').on(sql`lower(${t.email}) collate "C"`),
    index('users_first_name_c').on(sql`lower(${t.firstName}) collate "C"`),
    index('users_last_name_c').on(sql`lower(${t.lastName}) collate "C"`),
    index('users_full_name_c').on(sql`lower(${t.firstName} || ' ' || ${t.lastName}) collate "C"`),
    // Also, in drizzle/0016 only (drizzle cannot declare INCLUDE): partial covering indexes of active
    // users on the email, last and full name, so find's prefix ranks are index-only scans.
  ],
);

export const userCollections = pgTable(
  'user_collections',
  {
    userId: integer('user_id')
      .notNull()
      .references(() => users.id),
    collectionId: integer('collection_id')
      .notNull()
      .references(() => collections.id),
  },
  (t) => [primaryKey({ columns: [t.userId, t.collectionId] }), index('user_collections_collection').on(t.collectionId)],
);
