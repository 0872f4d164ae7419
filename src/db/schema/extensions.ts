import { boolean, integer, pgEnum, pgTable, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
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
    /** The user this extension is the primary phone of: at most one user per extension, one extension per user. */
    assignedUserId: integer('assigned_user_id').references(() => users.id),
    createdBy: text('created_by').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('extensions_number').on(t.number), uniqueIndex('extensions_assigned_user').on(t.assignedUserId)],
);
