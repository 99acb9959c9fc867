-- Runs once when the Postgres volume is created. The application role logs in but owns nothing,
-- is not superuser and cannot bypass row-level security. Change the password (KEEL_APP_PASSWORD).
CREATE ROLE keel_app LOGIN PASSWORD 'change-me-too' NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE;
