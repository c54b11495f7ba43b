import { defineConfig } from 'drizzle-kit';

// The PostgreSQL backend's migrations, generated from its own schema (the SQLite ones stay in drizzle.config.ts).
export default defineConfig({
  dialect: 'postgresql',
  schema: './server/store/pg/schema.ts',
  out: './server/store/migrations-pg',
});
