/**
 * The statements a test database's driver sends while some work runs: tests count a use case's round
 * trips with it (pass `onQuery` to openTestDatabase). postgres.js asks for the array types once on
 * each new connection of its pool; those are the pool's, not the work's, and are left out.
 */
export function statementLog(): { onQuery: (statement: string) => void; during: (work: () => Promise<unknown>) => Promise<string[]> } {
  let seen: string[] | undefined;
  return {
    onQuery: (statement) => void seen?.push(statement),
    async during(work) {
      seen = [];
      try {
        await work();
        return seen.filter((s) => !/from pg_catalog\.pg_type/.test(s));
      } finally {
        seen = undefined;
      }
    },
  };
}
