import { parseArgs } from "node:util";
import { tenantInstallQuery } from "../bots/slack/oauth.js";
import type { Io } from "../cli.js";
import { loadConfig } from "../config.js";
import { closeDeps, createDeps } from "../core/deps.js";
import { requireTenant } from "../core/features/tenancy/index.js";

const USAGE = "Usage: keel slack-link --tenant SLUG [--hours H] [--base https://YOUR-HOST]\n";

/**
 * `keel slack-link --tenant SLUG`: prints a signed, expiring install link that installs a Slack
 * workspace into this existing tenant — the only way a workspace joins an existing tenant.
 */
export async function slackLinkCommand(argv: string[], io: Io): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: { tenant: { type: "string", short: "t" }, hours: { type: "string" }, base: { type: "string" } },
  });
  const hours = Number(values.hours ?? 24);
  if (!values.tenant || !Number.isFinite(hours) || hours <= 0 || hours > 24 * 7) {
    io.stderr.write(USAGE);
    return 2;
  }
  const config = loadConfig({ LOG_LEVEL: "warn", ...process.env });
  if (!config.KEEL_SECRET) {
    io.stderr.write("KEEL_SECRET is not set; install links are signed with it.\n");
    return 2;
  }
  const deps = await createDeps(config);
  try {
    const t = await requireTenant(deps.db, values.tenant);
    const base = (values.base ?? "").replace(/\/+$/, "");
    io.stdout.write(
      `${base}/slack/install${tenantInstallQuery(config.KEEL_SECRET, t.slug, Date.now(), hours * 3_600_000)}\n`,
    );
    return 0;
  } finally {
    await closeDeps(deps);
  }
}
