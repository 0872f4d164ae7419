/**
 * Maps driver errors to what they mean for the app. Drizzle wraps driver errors (DrizzleQueryError
 * with `cause`); postgres.js names the constraint `constraint_name`, PGlite names it `constraint`.
 */
interface PgErrorFields {
  code?: unknown;
  constraint_name?: unknown;
  constraint?: unknown;
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
