-- HAND-WRITTEN. A REST request carries only its token: this finds the token's tenant by its public
-- prefix before any tenant is set. SECURITY DEFINER runs as the owner; it returns a tenant id only
-- (the secret's hash is compared afterwards, inside that tenant's RLS transaction).
CREATE OR REPLACE FUNCTION keel_tenant_for_api_token(p_prefix text)
RETURNS uuid LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
  SELECT tenant_id FROM api_tokens WHERE prefix = p_prefix LIMIT 1
$$;
REVOKE ALL ON FUNCTION keel_tenant_for_api_token(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION keel_tenant_for_api_token(text) TO ":app_role";
