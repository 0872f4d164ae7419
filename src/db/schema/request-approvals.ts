import { pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { requests } from './requests.js';

/**
 * The approvals recorded for a request that needs more than one (TWO_APPROVALS_FOR). One row per
 * approver: the key makes a second click, a Slack retry or another instance count once.
 */
export const requestApprovals = pgTable(
  'request_approvals',
  {
    requestId: uuid('request_id')
      .notNull()
      .references(() => requests.id),
    approverId: text('approver_id').notNull(),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.requestId, t.approverId] })],
);
