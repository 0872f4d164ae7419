/**
 * Maps driver errors to what they mean for the app. Drizzle wraps driver errors (DrizzleQueryError
 * with `cause`); postgres.js names the constraint `constraint_name`, PGlite names it `constraint`.
 */
interface PgErrorFields {
  code?: unknown;
  constraint_name?: unknown;
  constraint?: unknown;
  table_name?: unknown;
  table?: unknown;
  cause?: unknown;
}

function pgError(err: unknown): PgErrorFields | undefined {
  let current: unknown = err;
  for (let depth = 0; depth < 5 && current && typeof current === 'object'; depth++) {
    const fields = current as PgErrorFields;
    if (typeof fields.code === 'string' && /^[0-9A-Z]{5}$/.test(fields.code)) return fields;
    current = fields.cause;
  }
  return undefined;
}

/** The name of the unique constraint or index a statement violated, or undefined for any other error. */
export function violatedUniqueConstraint(err: unknown): string | undefined {
  const fields = pgError(err);
  if (fields?.code !== '23505') return undefined;
  const name = fields.constraint_name ?? fields.constraint;
  return typeof name === 'string' ? name : undefined;
}

/**
 * What a log line or an error text may say about a database error: its SQLSTATE code, constraint
 * and table (see queryErrorFacts). Undefined for an error that is not from the database.
 */
export function databaseErrorFacts(err: unknown): { code: string; constraint?: string; table?: string } | undefined {
  const facts = queryErrorFacts(err);
  if (!facts?.code) return undefined;
  return { code: facts.code, ...(facts.constraint ? { constraint: facts.constraint } : {}), ...(facts.table ? { table: facts.table } : {}) };
}

/**
 * What may be logged about a failed statement: its SQLSTATE, the constraint, table and column the
 * database names, and the statement's verb and target. Never the statement's values or parameters:
 * drizzle puts both in its error's message (`Failed query: … params: …`), PGlite keeps them on its
 * error (`query`, `params`), postgres.js on its (`query`, `parameters`), and during an approval they
 * hold the password hash, the device secret and the one-time password.
 */
export interface QueryErrorFacts {
  code?: string;
  constraint?: string;
  table?: string;
  column?: string;
  schema?: string;
  severity?: string;
  routine?: string;
  /** e.g. `insert into "notifications"`: which statement, without anything it carried. */
  statement?: string;
}

interface DriverErrorFields {
  code?: unknown;
  constraint?: unknown;
  constraint_name?: unknown;
  table?: unknown;
  table_name?: unknown;
  column?: unknown;
  column_name?: unknown;
  schema?: unknown;
  schema_name?: unknown;
  severity?: unknown;
  routine?: unknown;
  query?: unknown;
  params?: unknown;
  parameters?: unknown;
  cause?: unknown;
}

const text = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);

/** The statement's verb and the table it names, read from its SQL text (identifiers only, no values). */
export function statementOf(query: string): string | undefined {
  const write = /^\s*(insert\s+into|update|delete\s+from)\s+("[^"]+"(?:\."[^"]+")?|[\w.]+)/i.exec(query);
  if (write) return `${write[1]!.toLowerCase().replace(/\s+/g, ' ')} ${write[2]}`;
  if (/^\s*(select|with)\b/i.test(query)) {
    const from = /\bfrom\s+("[^"]+"(?:\."[^"]+")?|[\w.]+)/i.exec(query);
    return from ? `select from ${from[1]}` : 'select';
  }
  const verb = /^\s*([a-z]+)/i.exec(query);
  return verb ? verb[1]!.toLowerCase() : undefined;
}

/** The facts of a database error anywhere in `err`'s cause chain, or undefined when it holds none. */
export function queryErrorFacts(err: unknown): QueryErrorFacts | undefined {
  let facts: QueryErrorFacts | undefined;
  let current: unknown = err;
  for (let depth = 0; depth < 5 && current && typeof current === 'object'; depth++) {
    const fields = current as DriverErrorFields;
    const sqlState = typeof fields.code === 'string' && /^[0-9A-Z]{5}$/.test(fields.code);
    const query = text(fields.query);
    // A query error: drizzle's wrapper or a driver's error with the statement on it.
    if (sqlState || (query && (fields.params !== undefined || fields.parameters !== undefined))) {
      facts ??= {};
      facts.statement ??= query ? statementOf(query) : undefined;
      if (sqlState || typeof fields.code === 'string') facts.code ??= text(fields.code);
      facts.constraint ??= text(fields.constraint) ?? text(fields.constraint_name);
      facts.table ??= text(fields.table) ?? text(fields.table_name);
      facts.column ??= text(fields.column) ?? text(fields.column_name);
      facts.schema ??= text(fields.schema) ?? text(fields.schema_name);
      facts.severity ??= text(fields.severity);
      facts.routine ??= text(fields.routine);
    } else if (facts && typeof fields.code === 'string') {
      // The cause of a failed query that is no SQL error, e.g. postgres.js's CONNECTION_CLOSED.
      facts.code ??= fields.code;
    }
    current = fields.cause;
  }
  return facts;
}
