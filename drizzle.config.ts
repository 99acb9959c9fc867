import { defineConfig } from "drizzle-kit";

// Generates SQL migrations into drizzle/ from the TypeScript schema (`npm run db:generate`).
// Hand-written, idempotent SQL (RLS, grants, SECURITY DEFINER lookups) lives in drizzle/sql/ and
// runs after the generated migrations on every `keel migrate`.
export default defineConfig({
  dialect: "postgresql",
  schema: "./src/core/infra/db/schema/index.ts",
  out: "./drizzle",
});
