-- HAND-WRITTEN. Slack lookups needed before the tenant is known. SECURITY DEFINER runs as the owner
-- and returns only ids (team key, tenant id), never tokens or other tenant data.

-- Installed workspaces, for the outbound path when a message's channel was never seen inbound and
-- exactly one workspace is installed.
CREATE OR REPLACE FUNCTION keel_slack_installed_teams()
RETURNS TABLE (team_key text, tenant_id uuid) LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
  SELECT team_key, tenant_id FROM slack_installations ORDER BY created_at
$$;
REVOKE ALL ON FUNCTION keel_slack_installed_teams() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION keel_slack_installed_teams() TO ":app_role";
