import { parseArgs } from "node:util";
import { tenantInstallQuery } from "../bots/slack/oauth.js";
import { closeDeps, createDeps } from "../core/deps.js";
import { requireTenant } from "../core/features/tenancy/index.js";
import type { CliContext, Io } from "./io.js";

const USAGE = "Usage: keel slack-link --tenant SLUG [--hours H] [--base https://YOUR-HOST]\n";

/**
 * `keel slack-link --tenant SLUG`: prints a signed, expiring install link that installs a Slack
 * workspace into this existing tenant — the only way a workspace joins an existing tenant.
 */
export async function slackLinkCommand(argv: string[], io: Io, ctx: CliContext): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: { tenant: { type: "string", short: "t" }, hours: { type: "string" }, base: { type: "string" } },
  });
  const hours = Number(values.hours ?? 24);
  if (!values.tenant || !Number.isFinite(hours) || hours <= 0 || hours > 24 * 7) {
    io.stderr.write(USAGE);
    return 2;
  }
  const { config } = ctx;
  if (!config.app.secret) {
    io.stderr.write("KEEL_SECRET is not set; install links are signed with it.\n");
    return 2;
  }
  const deps = await createDeps(config, { logger: ctx.logger });
  try {
    const t = await requireTenant(deps.db, values.tenant);
    const base = (values.base ?? "").replace(/\/+$/, "");
    io.stdout.write(
      `${base}/slack/install${tenantInstallQuery(config.app.secret, t.slug, Date.now(), hours * 3_600_000)}\n`,
    );
    return 0;
  } finally {
    await closeDeps(deps);
  }
}
