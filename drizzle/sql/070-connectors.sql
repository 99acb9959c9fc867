-- HAND-WRITTEN. Connector lookups needed before the tenant is known (an inbound webhook) or across
-- tenants (the scheduled sync). SECURITY DEFINER runs as the owner; each returns only tenant ids.
CREATE OR REPLACE FUNCTION keel_connector_tenant(p_provider text, p_webhook_key text)
RETURNS uuid LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
  SELECT tenant_id FROM connector_accounts WHERE provider = p_provider AND webhook_key = p_webhook_key LIMIT 1
$$;
REVOKE ALL ON FUNCTION keel_connector_tenant(text, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION keel_connector_tenant(text, text) TO ":app_role";

CREATE OR REPLACE FUNCTION keel_connector_tenants(p_provider text)
RETURNS SETOF uuid LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
  SELECT tenant_id FROM connector_accounts WHERE provider = p_provider ORDER BY created_at
$$;
REVOKE ALL ON FUNCTION keel_connector_tenants(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION keel_connector_tenants(text) TO ":app_role";
