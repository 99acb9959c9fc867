import { parseArgs } from "node:util";
import { connectPipedrive, formatSyncReport, syncPipedrive } from "../core/features/pipedrive/index.js";
import { tenantOf, withDeps } from "./context.js";
import type { CliContext, Io } from "./io.js";

const CONNECT_USAGE = `Usage: keel connect pipedrive --tenant SLUG --token TOKEN [--rotate-webhook] [--no-verify]
  Stores the Pipedrive API token sealed with KEEL_SECRET and prints the webhook credentials
  (HTTP basic user and password) to enter in Pipedrive → Settings → Webhooks.
  The token may also come from the PIPEDRIVE_API_TOKEN environment variable (kept out of shell history).
`;
const SYNC_USAGE = `Usage: keel sync pipedrive --tenant SLUG [--full] [--json]
  Incremental by default (objects changed since the last sync); --full reads everything again.
`;

/** `keel connect pipedrive --tenant SLUG --token …` (argv after the provider word). */
export async function connectPipedriveCli(argv: string[], io: Io, ctx: CliContext): Promise<number> {
  let values: { tenant?: string; token?: string; "rotate-webhook"?: boolean; "no-verify"?: boolean };
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({
      args: argv,
      options: {
        tenant: { type: "string", short: "t" },
        token: { type: "string" },
        "rotate-webhook": { type: "boolean" },
        "no-verify": { type: "boolean" },
      },
      allowPositionals: true,
    }));
  } catch (e) {
    io.stderr.write(`${(e as Error).message}\n${CONNECT_USAGE}`);
    return 2;
  }
  const token = values.token ?? process.env.PIPEDRIVE_API_TOKEN;
  if (positionals.length || !token) {
    io.stderr.write(CONNECT_USAGE);
    return 2;
  }
  return withDeps(ctx, async (deps) => {
    const tenant = await tenantOf(deps, values.tenant);
    const c = await connectPipedrive(deps, tenant.id, token, {
      verify: !values["no-verify"],
      rotateWebhook: Boolean(values["rotate-webhook"]),
    });
    io.stdout.write(
      `Pipedrive connected for ${tenant.slug} (token stored sealed).\n` +
        `Webhook for near-real-time updates — in Pipedrive → Settings → Webhooks, add:\n` +
        `  URL:       https://YOUR-KEEL-HOST${c.webhookPath}\n` +
        `  HTTP auth: user ${c.webhookUser}  password ${c.webhookPassword}\n` +
        `Then run \`keel sync pipedrive --tenant ${tenant.slug}\` for the first full sync.\n`,
    );
    return 0;
  });
}

/** `keel sync pipedrive --tenant SLUG [--full]`: runs one sync now and prints its report. */
export async function syncPipedriveCli(argv: string[], io: Io, ctx: CliContext): Promise<number> {
  let values: { tenant?: string; full?: boolean; json?: boolean };
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({
      args: argv,
      options: {
        tenant: { type: "string", short: "t" },
        full: { type: "boolean" },
        json: { type: "boolean" },
      },
      allowPositionals: true,
    }));
  } catch (e) {
    io.stderr.write(`${(e as Error).message}\n${SYNC_USAGE}`);
    return 2;
  }
  if (positionals.length) {
    io.stderr.write(SYNC_USAGE);
    return 2;
  }
  return withDeps(ctx, async (deps) => {
    const tenant = await tenantOf(deps, values.tenant);
    const report = await syncPipedrive(deps, tenant.id, { full: Boolean(values.full) });
    io.stdout.write(values.json ? `${JSON.stringify(report, null, 2)}\n` : `${formatSyncReport(report)}\n`);
    return report.ok ? 0 : 1;
  });
}
