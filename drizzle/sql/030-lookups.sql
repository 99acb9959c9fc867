-- HAND-WRITTEN. Lookups needed before the tenant is known (an inbound Slack team or WhatsApp number).
-- SECURITY DEFINER runs as the owner; each returns only a tenant id, never tenant data.
CREATE OR REPLACE FUNCTION keel_tenant_for_channel(p_channel text, p_external_id text)
RETURNS uuid LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
  SELECT tenant_id FROM channel_links WHERE channel = p_channel AND external_id = p_external_id LIMIT 1
$$;
REVOKE ALL ON FUNCTION keel_tenant_for_channel(text, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION keel_tenant_for_channel(text, text) TO ":app_role";

-- Tenants that have work due in the outbox (the dispatcher then works inside each tenant's transaction).
CREATE OR REPLACE FUNCTION keel_tenants_with_due_outbox(p_now timestamptz)
RETURNS SETOF uuid LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
  SELECT DISTINCT tenant_id FROM outbox
  WHERE status IN ('pending', 'failed') AND next_attempt_at <= p_now
     OR status = 'sending' AND locked_until < p_now
$$;
REVOKE ALL ON FUNCTION keel_tenants_with_due_outbox(timestamptz) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION keel_tenants_with_due_outbox(timestamptz) TO ":app_role";
