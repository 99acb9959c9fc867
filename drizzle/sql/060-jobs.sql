-- HAND-WRITTEN. Lookups the scheduler needs across tenants. SECURITY DEFINER runs as the owner; each
-- returns scheduling metadata or counts only, never tenant content.

-- Active digest subscriptions with what is needed to decide whether one is due (no addresses).
-- Dropped first so a changed column list can be re-created (CREATE OR REPLACE cannot change it).
DROP FUNCTION IF EXISTS keel_digest_schedule();
CREATE FUNCTION keel_digest_schedule()
RETURNS TABLE (id uuid, tenant_id uuid, channel text, cadence text, weekday integer, at_time text, timezone text,
               quiet_start text, quiet_end text, last_period text, created_at timestamptz)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
  SELECT id, tenant_id, channel, cadence, weekday, at_time, timezone, quiet_start, quiet_end, last_period, created_at
  FROM digest_subscriptions WHERE cadence <> 'off'
$$;
REVOKE ALL ON FUNCTION keel_digest_schedule() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION keel_digest_schedule() TO ":app_role";

-- Outbox depth by status over all tenants (for the Prometheus gauge).
CREATE OR REPLACE FUNCTION keel_outbox_depth()
RETURNS TABLE (status text, n bigint)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
  SELECT status, count(*) FROM outbox WHERE status <> 'sent' GROUP BY status
$$;
REVOKE ALL ON FUNCTION keel_outbox_depth() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION keel_outbox_depth() TO ":app_role";

-- Claims by fire key go to job_runs (no RLS, no tenant data); finished runs are looked up by time.
CREATE INDEX IF NOT EXISTS job_runs_job_started ON job_runs (job, started_at);

-- Digests read every tenant's recent history at once: with forced RLS each query is filtered by
-- tenant_id, so these tables need it indexed or every digest scans all tenants' rows.
CREATE INDEX IF NOT EXISTS deal_stage_history_tenant_entered ON deal_stage_history (tenant_id, entered_at);
CREATE INDEX IF NOT EXISTS deal_stage_history_deal ON deal_stage_history (deal_id);
CREATE INDEX IF NOT EXISTS payments_tenant_paid ON payments (tenant_id, paid_on);
CREATE INDEX IF NOT EXISTS stages_tenant ON stages (tenant_id);
