import { defineConfig } from 'drizzle-kit';

// Migrations are generated from src/db/schema and applied by the bot at start-up (src/db/migrate.ts).
export default defineConfig({
  dialect: 'postgresql',
  schema: './src/db/schema/index.ts',
  out: './drizzle',
});
