import { index, integer, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';
import { ATTEMPT_SCOPES } from '../../domain/sign-in-limits.js';

/**
 * Sign-in attempts counted per client address and per sign-in name, in fixed windows, shared by every
 * instance on this database. A row whose window has ended counts for nothing and is restarted by the
 * next attempt (or deleted by the clean-up). Only names that are valid sign-in names are ever stored,
 * so a password typed into the name field never lands here.
 */
export const signInAttemptWindows = pgTable(
  'sign_in_attempt_windows',
  {
    scope: text('scope', { enum: ATTEMPT_SCOPES }).notNull(),
    key: text('key').notNull(),
    attempts: integer('attempts').notNull(),
    windowEndsAt: timestamp('window_ends_at', { withTimezone: true }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.scope, t.key] }), index('sign_in_attempt_windows_ends').on(t.windowEndsAt)],
);
