import { parseArgs } from "node:util";
import type { Deps } from "../core/deps.js";
import { findTenantBySlug } from "../core/features/tenancy/index.js";
import { cacheLine, type UsageReport, usageReport } from "../core/infra/llm/index.js";
import { formatCostMicros } from "../core/kernel/format.js";

import type { Io } from "./io.js";

const USAGE = "Usage: keel usage [--tenant SLUG] [--month YYYY-MM] [--json]\n";

export interface UsageArgs {
  tenant?: string;
  /** YYYY-MM; the current month (UTC) when not given. */
  month: string;
  json: boolean;
}

/**
 * The options both usage reports take (`keel usage`, and with `prompts` allowed `keel usage
 * --prompts`): the month defaults to the current one and must be YYYY-MM. A call that is off is
 * explained on stderr with `usage`, and answers null (exit 2).
 */
export function usageArgs(
  argv: string[],
  io: Io,
  now: Date,
  usage: string,
  o: { prompts?: boolean } = {},
): UsageArgs | null {
  let values: { tenant?: string; month?: string; json?: boolean };
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        tenant: { type: "string", short: "t" },
        month: { type: "string", short: "m" },
        json: { type: "boolean" },
        ...(o.prompts ? { prompts: { type: "boolean" as const } } : {}),
      },
    }));
  } catch (e) {
    io.stderr.write(`${(e as Error).message}\n${usage}`);
    return null;
  }
  const month = values.month ?? now.toISOString().slice(0, 7);
  if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(month)) {
    io.stderr.write(`--month must be YYYY-MM (got "${month}").\n${usage}`);
    return null;
  }
  return {
    ...(values.tenant !== undefined ? { tenant: values.tenant } : {}),
    month,
    json: values.json === true,
  };
}

function table(title: string, lines: UsageReport["byFeature"]): string {
  if (!lines.length) return `${title}: none\n`;
  const w = Math.max(...lines.map((l) => l.key.length), 8);
  const rows = lines.map(
    (l) =>
      `  ${l.key.padEnd(w)}  ${String(l.calls).padStart(6)}  ${String(l.tokensIn).padStart(9)}  ${String(l.tokensOut).padStart(9)}  ${formatCostMicros(l.costMicros).padStart(10)}`,
  );
  return `${title}\n  ${"".padEnd(w)}  ${"calls".padStart(6)}  ${"tokens in".padStart(9)}  ${"out".padStart(9)}  ${"cost".padStart(10)}\n${rows.join("\n")}\n`;
}

/** Human-readable report: totals, budget use, then spend by feature, provider, model, user and day. */
export function formatUsage(r: UsageReport, slug: string, defaultBudgetMicros: number): string {
  const budget = r.budgetMicros ?? defaultBudgetMicros;
  const pct =
    budget > 0
      ? ` (${((r.totals.costMicros / budget) * 100).toFixed(1)}% of ${formatCostMicros(budget)} budget)`
      : "";
  return [
    `LLM usage for ${slug}, ${r.month}: ${formatCostMicros(r.totals.costMicros)}${pct}`,
    `${r.totals.calls} calls, ${r.totals.tokensIn} tokens in, ${r.totals.tokensOut} out, errors ${r.totals.errors}`,
    `Cache: ${cacheLine(r)}\n`,
    table("By feature", r.byFeature),
    table("By provider", r.byProvider),
    table("By model", r.byModel),
    table("By user", r.byUser),
    table("By day", r.byDay),
  ].join("\n");
}

/**
 * `keel usage [--tenant SLUG] [--month YYYY-MM] [--json]`: the tenant's LLM spend for a month from
 * the ledger. Exit codes: 0 ok, 2 bad usage or unknown tenant.
 */
export async function usageCommand(
  argv: string[],
  io: Io,
  deps: Pick<Deps, "db" | "config" | "clock">,
): Promise<number> {
  const args = usageArgs(argv, io, deps.clock.now(), USAGE);
  if (!args) return 2;
  const slug = args.tenant ?? deps.config.app.defaultTenant;
  const tenant = await findTenantBySlug(deps.db, slug);
  if (!tenant) {
    io.stderr.write(`No tenant "${slug}". Pass --tenant SLUG.\n`);
    return 2;
  }
  const report = await usageReport(deps.db, tenant.id, args.month);
  if (args.json) io.stdout.write(`${JSON.stringify({ tenant: slug, ...report }, null, 2)}\n`);
  else
    io.stdout.write(
      formatUsage(report, slug, Math.round(deps.config.llm.LLM_TENANT_MONTHLY_BUDGET_USD * 1e6)),
    );
  return 0;
}
