-- HAND-WRITTEN. The application role: not the owner, not superuser, no BYPASSRLS.
-- Created NOLOGIN when missing (PGlite, or an operator who connects differently); operators give it
-- LOGIN and a password themselves (see README), CI creates it with LOGIN.
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = ':app_role') THEN
    CREATE ROLE ":app_role" NOLOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE;
  END IF;
END $$;
GRANT USAGE ON SCHEMA public TO ":app_role";
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO ":app_role";
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO ":app_role";
-- The migrations journal is the owner's business only.
DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = 'drizzle') THEN
    EXECUTE 'REVOKE ALL ON SCHEMA drizzle FROM ":app_role"';
  END IF;
END $$;
