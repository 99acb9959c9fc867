import { parseArgs } from "node:util";
import {
  createApiToken,
  listApiTokens,
  parseScopes,
  revokeApiToken,
  SCOPES,
} from "../core/features/api/index.js";
import { tenantOf, withDeps } from "./context.js";
import type { CliContext, Io } from "./io.js";

const USAGE = `Usage: keel token create --user EMAIL --scopes SCOPES [--name NAME] [--tenant SLUG]
       keel token list [--tenant SLUG]
       keel token revoke PREFIX [--tenant SLUG]
  A token acts as its user: limited by that user's role AND its scopes. The secret is shown once.
  Scopes (comma-separated; deals:* or * for several): ${SCOPES.join(", ")}
`;

const day = (d: Date | null) => (d ? d.toISOString().slice(0, 16).replace("T", " ") : "never");

export async function tokenCommand(argv: string[], io: Io, ctx: CliContext): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    options: {
      tenant: { type: "string", short: "t" },
      user: { type: "string" },
      scopes: { type: "string" },
      name: { type: "string" },
    },
    allowPositionals: true,
  });
  const [sub, ref] = positionals;
  if (
    !sub ||
    !["create", "list", "revoke"].includes(sub) ||
    (sub === "create" && (!values.user || !values.scopes)) ||
    (sub === "revoke" && !ref)
  ) {
    io.stderr.write(USAGE);
    return 2;
  }
  const scopes = sub === "create" ? parseScopes(values.scopes!) : undefined;
  if (scopes && !scopes.ok) {
    io.stderr.write(`keel token: unknown scope ${scopes.unknown.join(", ")}. Known: ${SCOPES.join(", ")}\n`);
    return 2;
  }
  return withDeps(ctx, async (deps) => {
    const t = await tenantOf(deps, values.tenant);
    const out = (s: string) => io.stdout.write(`${s}\n`);
    if (sub === "create") {
      const { token, info } = await createApiToken(deps, t.id, {
        email: values.user!,
        scopes: scopes!.ok ? scopes!.scopes : [],
        name: values.name,
      });
      out(
        `Created token ${info.prefix} for ${info.email} (${info.role}) in ${t.slug}: ${info.scopes.join(", ")}`,
      );
      out("The secret is shown once; store it now:");
      out(token);
      return 0;
    }
    if (sub === "list") {
      const list = await listApiTokens(deps, t.id);
      if (!list.length) out(`No API tokens in ${t.slug}.`);
      for (const k of list)
        out(
          `${k.prefix}  ${k.revokedAt ? "revoked " : "active  "} ${k.email.padEnd(28)} ${k.role.padEnd(8)} last used ${day(k.lastUsedAt).padEnd(16)}  ${k.name}  [${k.scopes.join(",")}]`,
        );
      return 0;
    }
    const r = await revokeApiToken(deps, t.id, ref!);
    if (!r) {
      io.stderr.write(`keel token: no active token ${ref} in ${t.slug} (see keel token list).\n`);
      return 1;
    }
    out(`Revoked token ${r.prefix} of ${r.email}; requests with it now get 401.`);
    return 0;
  });
}
