import { sql } from 'drizzle-orm';
import { bigint, boolean, check, integer, pgEnum, pgTable, serial, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import { COLLECTION_KINDS } from '../../domain/collections.js';

/**
 * Reference data comes from the operator's file (reference-data/*.yml). Rows are keyed by the file's
 * stable `key`, so a reload updates in place; a row that leaves the file is marked inactive rather than
 * deleted, because users and extensions still point at it.
 */
const keyed = {
  key: text('key').primaryKey(),
  name: text('name').notNull(),
  active: boolean('active').notNull().default(true),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
};

export const sites = pgTable('sites', { ...keyed });
export const departments = pgTable('departments', { ...keyed });
export const billingUnits = pgTable('billing_units', { ...keyed });
export const cucmClusters = pgTable('cucm_clusters', { ...keyed });

export const profiles = pgTable(
  'profiles',
  { ...keyed, isDefault: boolean('is_default').notNull().default(false) },
  // The tenant default is preselected in the form: there is never more than one.
  (t) => [uniqueIndex('profiles_one_default').on(t.isDefault).where(sql`${t.isDefault}`)],
);

export const callerIds = pgTable('caller_ids', { ...keyed, number: text('number').notNull() });

/** A dispatchable address, as E911 requires: street, suite/floor, city, state, postal code, country. */
export const e911Locations = pgTable('e911_locations', {
  ...keyed,
  street: text('street').notNull(),
  suite: text('suite'),
  city: text('city').notNull(),
  state: text('state').notNull(),
  postalCode: text('postal_code').notNull(),
  country: text('country').notNull(),
});

export const collectionKind = pgEnum('collection_kind', COLLECTION_KINDS);

export const collections = pgTable(
  'collections',
  {
    id: serial('id').primaryKey(),
    name: text('name').notNull(),
    kind: collectionKind('kind').notNull(),
    active: boolean('active').notNull().default(true),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('collections_kind_name').on(t.kind, t.name)],
);

export const extensionRanges = pgTable(
  'extension_ranges',
  {
    id: serial('id').primaryKey(),
    from: integer('range_from').notNull(),
    to: integer('range_to').notNull(),
  },
  (t) => [uniqueIndex('extension_ranges_from').on(t.from), check('extension_ranges_ordered', sql`${t.from} <= ${t.to}`)],
);

/**
 * One row: a number that grows with every change to the tables above, in the transaction that makes
 * it (statement triggers, drizzle/ "reference-data-version-triggers"). A process may keep what it read
 * for as long as this number has not moved: reading it is one small query per form instead of nine.
 */
export const referenceDataVersion = pgTable(
  'reference_data_version',
  {
    id: integer('id').primaryKey().default(1),
    version: bigint('version', { mode: 'number' }).notNull().default(0),
  },
  (t) => [check('reference_data_version_one_row', sql`${t.id} = 1`)],
);
