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
 * What a log line may say about a database error: its SQLSTATE code, constraint and table. Never the
 * message: drizzle's carries the query's parameters (a password hash, a device secret), and the
 * server's may quote a value. Undefined for an error that is not from the database.
 */
export function databaseErrorFacts(err: unknown): { code: string; constraint?: string; table?: string } | undefined {
  const fields = pgError(err);
  if (!fields || typeof fields.code !== 'string') return undefined;
  const constraint = fields.constraint_name ?? fields.constraint;
  const table = fields.table_name ?? fields.table;
  return { code: fields.code, ...(typeof constraint === 'string' ? { constraint } : {}), ...(typeof table === 'string' ? { table } : {}) };
}
