import { parseArgs } from "node:util";
import { connectStripe, type StripeSyncReport, syncStripe } from "../core/features/stripe/index.js";
import { plural } from "../core/kernel/text.js";
import { printErrors, tenantOf, withDeps } from "./context.js";
import type { CliContext, Io } from "./io.js";

export const CONNECT_USAGE = `Usage: keel connect stripe --tenant SLUG --key sk_live_… [--webhook-secret whsec_…]
  The key (a restricted read-only key rk_live_… works) is checked once against Stripe and stored
  sealed with KEEL_SECRET. Register the printed webhook URL in Stripe (Developers → Webhooks) and
  run again with its signing secret.
`;

export const SYNC_USAGE = `Usage: keel sync stripe --tenant SLUG [--full]
  Customers, invoices, payments and refunds since the last sync (--full: everything).
`;

/** `keel connect stripe …` */
export async function connectStripeCli(argv: string[], io: Io, ctx: CliContext): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      tenant: { type: "string", short: "t" },
      key: { type: "string" },
      "webhook-secret": { type: "string" },
    },
    allowPositionals: false,
  });
  if (!values.key) {
    io.stderr.write(CONNECT_USAGE);
    return 2;
  }
  return withDeps(ctx, async (deps) => {
    const tenant = await tenantOf(deps, values.tenant);
    const r = await connectStripe(deps, tenant.id, {
      secretKey: values.key!,
      webhookSecret: values["webhook-secret"],
    });
    io.stdout.write(
      `Stripe connected to ${tenant.slug} (${r.livemode ? "live" : "test"} mode); the key is stored sealed.\n` +
        `Webhook endpoint: https://YOUR-KEEL-HOST${r.webhookPath}\n` +
        (r.webhookSecretSet
          ? "Webhook signing secret: set.\n"
          : "Webhook signing secret: not set — add the endpoint in Stripe, then run again with --webhook-secret whsec_….\n") +
        `Next: keel sync stripe --tenant ${tenant.slug}\n`,
    );
    return 0;
  });
}

const counts = (k: { created: number; updated: number; unchanged: number }) =>
  `${k.created} new, ${k.updated} updated, ${k.unchanged} unchanged`;

export function formatSyncReport(slug: string, r: StripeSyncReport): string {
  const f = r.fetched;
  return [
    `Stripe ${r.mode} sync of ${slug}: read ${plural(f.customers, "customer")}, ${plural(f.invoices, "invoice")}, ${plural(f.payments, "payment")}, ${plural(f.refunds, "refund")}${r.mode === "incremental" ? ` (${plural(f.events, "event")})` : ""}.`,
    `  contacts: ${counts(r.contacts)}`,
    `  invoices: ${counts(r.invoices)}`,
    `  payments: ${counts(r.payments)}`,
    ...(r.skipped.length
      ? [
          `  skipped ${r.skipped.length}: ${r.skipped
            .slice(0, 5)
            .map((s) => `${s.id} (${s.reason})`)
            .join(", ")}${r.skipped.length > 5 ? ", …" : ""}`,
        ]
      : []),
    "",
  ].join("\n");
}

/** `keel sync stripe …` */
export async function syncStripeCli(argv: string[], io: Io, ctx: CliContext): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: { tenant: { type: "string", short: "t" }, full: { type: "boolean" } },
    allowPositionals: false,
  });
  return withDeps(ctx, async (deps) => {
    const tenant = await tenantOf(deps, values.tenant);
    const r = await syncStripe(deps, tenant.id, { full: Boolean(values.full) });
    io.stdout.write(formatSyncReport(tenant.slug, r));
    if (r.rejected.length) {
      printErrors(
        io,
        `${plural(r.rejected.length, "Stripe record")} ${r.rejected.length === 1 ? "was" : "were"} not imported:`,
        r.rejected,
      );
      return 1;
    }
    return 0;
  });
}
