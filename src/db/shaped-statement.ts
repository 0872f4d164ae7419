import type { SQL } from 'drizzle-orm';
import { PgDialect } from 'drizzle-orm/pg-core';
import type { Db } from './client.js';
import { preparedPerHandle } from './prepared.js';

/**
 * A long statement that is built once per shape and then only executed with new values.
 *
 * drizzle builds a statement's text by walking its SQL tree on every call; for find's ranked
 * statement (five prefix branches, five infix matches, the place branch, the filters) that walk was a
 * third of the bot's CPU per find. Here `build` makes the tree once per `shape` (what changes the
 * text: which filters there are, how many keys), with `sql.placeholder(name)` where values go, and
 * each call fills the placeholders. The query is prepared under a name, which drizzle's postgres.js
 * session sends as a named statement (`prepare: true`): each session parses it once and keeps its
 * plan. (Unnamed, as drizzle sends every other statement, Postgres parses and plans it every time.)
 * On PGlite the name is ignored and the statement runs as any other.
 */
export class ShapedStatements {
  /** Each database handle's statements by shape (a transaction, a handle of its own, prepares its own). */
  private readonly shapesOf = preparedPerHandle(() => new Map<string, Executable>());
  private readonly dialect = new PgDialect();

  /** @param name the statement's prefix; @param maxShapes shapes kept per database before the oldest go */
  constructor(
    private readonly name: string,
    private readonly maxShapes = 200,
  ) {}

  execute(db: Db, shape: string, build: () => SQL, values: Record<string, unknown>): Promise<unknown> {
    const shapes = this.shapesOf(db);
    let statement = shapes.get(shape);
    if (!statement) {
      statement = db._.session.prepareQuery(this.dialect.sqlToQuery(build()), undefined, `${this.name}:${shape}`, false);
      // Shapes are bounded (a few filters, at most ten keys each), but a cap keeps a long-running
      // instance's map from holding every combination ever typed; Map keeps insertion order.
      if (shapes.size >= this.maxShapes) shapes.delete(shapes.keys().next().value!);
      shapes.set(shape, statement);
    }
    return statement.execute(values);
  }
}

interface Executable {
  execute(values: Record<string, unknown>): Promise<unknown>;
}
