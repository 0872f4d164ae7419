import { boolean, index, integer, pgEnum, pgTable, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import { DEVICE_TYPES } from '../../domain/extension.js';
import { callerIds, e911Locations } from './reference-data.js';
import { users } from './users.js';

export const deviceType = pgEnum('device_type', DEVICE_TYPES);

export const extensions = pgTable(
  'extensions',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    number: integer('number').notNull(),
    deviceName: text('device_name').notNull(),
    deviceType: deviceType('device_type').notNull(),
    callerIdKey: text('caller_id_key').references(() => callerIds.key),
    e911LocationKey: text('e911_location_key').references(() => e911Locations.key),
    multiLine: boolean('multi_line').notNull().default(false),
    callRecording: boolean('call_recording').notNull().default(false),
    monitoring: boolean('monitoring').notNull().default(false),
    voicemailAccess: boolean('voicemail_access').notNull().default(false),
    /**
     * The SIP device secret. Generated from a CSPRNG, never typed or shown in a channel. Kept readable
     * (not hashed) because the phone or softphone must be configured with it.
     */
    deviceSecret: text('device_secret').notNull(),
    /**
     * Counts the secrets this extension has had: every new secret (a rotation, a release) adds one, so a
     * reveal token made for an older secret no longer matches anything.
     */
    secretGeneration: integer('secret_generation').notNull().default(1),
    /**
     * When the holder was shown the current secret on /account (at most once per secret); null until then,
     * and null again after every new secret.
     */
    secretRevealedAt: timestamp('secret_revealed_at', { withTimezone: true }),
    /** The user this extension is the primary phone of: at most one user per extension, one extension per user. */
    assignedUserId: integer('assigned_user_id').references(() => users.id),
    createdBy: text('created_by').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('extensions_number').on(t.number), uniqueIndex('extensions_assigned_user').on(t.assignedUserId)],
);

/**
 * Single-use, short-lived permissions to show an extension's SIP settings once on /account. Only the
 * SHA-256 of the token is kept (the token itself lives in one no-store page's hidden field), bound to
 * the user it was made for, the extension and the secret's generation then: a rotation, a reassignment
 * or a second use leaves it matching nothing.
 */
export const deviceSecretRevealTokens = pgTable(
  'device_secret_reveal_tokens',
  {
    tokenHash: text('token_hash').primaryKey(),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id),
    extensionId: integer('extension_id')
      .notNull()
      .references(() => extensions.id),
    secretGeneration: integer('secret_generation').notNull(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    usedAt: timestamp('used_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('device_secret_reveal_tokens_extension').on(t.extensionId), index('device_secret_reveal_tokens_expires').on(t.expiresAt)],
);
