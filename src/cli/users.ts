import { parseArgs } from "node:util";
import {
  addUser,
  linkIdentity,
  listUsers,
  removeUser,
  setUserRole,
  unlinkIdentity,
} from "../core/features/company/index.js";
import { plural } from "../core/kernel/text.js";
import { tenantOf, withDeps } from "./context.js";
import type { CliContext, Io } from "./io.js";

const USAGE = `Usage: keel users list [--tenant SLUG]
       keel users add EMAIL --role owner|manager|rep|finance|viewer [--name NAME] [--tenant SLUG]
       keel users role EMAIL ROLE [--tenant SLUG]
       keel users remove EMAIL [--reassign EMAIL] [--tenant SLUG]
       keel users link EMAIL (--slack USER_ID | --whatsapp +NUMBER) [--tenant SLUG]
       keel users unlink EMAIL (--slack USER_ID | --whatsapp +NUMBER) [--tenant SLUG]
`;

export async function usersCommand(argv: string[], io: Io, ctx: CliContext): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    options: {
      tenant: { type: "string", short: "t" },
      role: { type: "string" },
      name: { type: "string" },
      reassign: { type: "string" },
      slack: { type: "string" },
      whatsapp: { type: "string" },
    },
    allowPositionals: true,
  });
  const [sub, who, arg] = positionals;
  const needsWho = sub && sub !== "list";
  const known = ["list", "add", "role", "remove", "link", "unlink"];
  if (
    !sub ||
    !known.includes(sub) ||
    (needsWho && !who) ||
    (sub === "add" && !values.role) ||
    (sub === "role" && !arg)
  ) {
    io.stderr.write(USAGE);
    return 2;
  }
  const channel = values.slack ? "slack" : values.whatsapp ? "whatsapp" : undefined;
  if ((sub === "link" || sub === "unlink") && !channel) {
    io.stderr.write(USAGE);
    return 2;
  }
  return withDeps(ctx, async (deps) => {
    const t = await tenantOf(deps, values.tenant);
    const out = (s: string) => io.stdout.write(`${s}\n`);
    switch (sub) {
      case "list": {
        for (const u of await listUsers(deps, t.id))
          out(
            `${u.email.padEnd(32)} ${u.role.padEnd(8)} ${u.name}${u.identities.length ? `  (${u.identities.map((i) => `${i.channel} ${i.externalId}`).join(", ")})` : ""}`,
          );
        return 0;
      }
      case "add": {
        const u = await addUser(deps, t.id, { email: who!, role: values.role!, name: values.name });
        out(`Added ${u.name} <${u.email}> to ${t.slug} as ${u.role}.`);
        return 0;
      }
      case "role": {
        const u = await setUserRole(deps, t.id, who!, arg!);
        out(`${u.email}: ${u.previous} → ${u.role}.`);
        return 0;
      }
      case "remove": {
        const u = await removeUser(deps, t.id, who!, values.reassign);
        out(
          `Removed ${u.email} from ${t.slug}; ${plural(u.deals, "deal")} ${u.reassignedTo ? `now owned by ${u.reassignedTo}` : "now have no owner"}.`,
        );
        return 0;
      }
      case "link": {
        const r = await linkIdentity(deps, t.id, who!, channel!, (values.slack ?? values.whatsapp)!);
        out(
          r.changed
            ? `Linked ${r.channel} ${r.externalId} to ${r.email}.`
            : `${r.channel} ${r.externalId} was already linked to ${r.email}.`,
        );
        return 0;
      }
      default: {
        const r = await unlinkIdentity(deps, t.id, who!, channel!, (values.slack ?? values.whatsapp)!);
        out(
          r.removed
            ? `Unlinked ${channel} from ${r.email}.`
            : `Nothing to unlink: that ${channel} account is not linked to ${r.email}.`,
        );
        return 0;
      }
    }
  });
}
