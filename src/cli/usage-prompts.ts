import type { Deps } from "../core/deps.js";
import { approvalMetricsByPromptVersion, type PromptApprovalMetrics } from "../core/features/drafts/index.js";
import { requireTenant } from "../core/features/tenancy/index.js";
import { monthRange, type PromptCallLine, promptCalls } from "../core/infra/llm/index.js";
import { formatCostMicros } from "../core/kernel/format.js";
import type { Io } from "./io.js";
import { usageArgs } from "./usage.js";

export interface PromptUsage {
  tenant: string;
  month: string;
  calls: PromptCallLine[];
  approvals: PromptApprovalMetrics[];
}

/** Calls per prompt version (ledger) and how people judged the drafts each version wrote. */
export async function promptUsage(
  deps: Deps,
  tenantId: string,
  tenantSlug: string,
  month: string,
): Promise<PromptUsage> {
  const { from } = monthRange(month);
  const calls = await promptCalls(deps.db, tenantId, month);
  return {
    tenant: tenantSlug,
    month,
    calls,
    approvals: await approvalMetricsByPromptVersion(deps, tenantId, { since: from }),
  };
}

const pct = (x: number | null) => (x === null ? "—" : `${Math.round(x * 100)} %`);
const pad = (s: string, n: number) => (s.length >= n ? s : s + " ".repeat(n - s.length));

/** The text table `keel usage --prompts` prints. */
export function renderPromptUsage(u: PromptUsage): string {
  const out = [`Prompt usage for ${u.tenant}, ${u.month}`, ""];
  out.push("Model calls by prompt version");
  if (u.calls.length === 0) out.push("  (none)");
  for (const c of u.calls)
    out.push(
      `  ${pad(c.prompt, 30)} ${String(c.calls).padStart(6)} calls  ${String(c.errors).padStart(4)} errors  ${String(c.tokensIn + c.tokensOut).padStart(9)} tokens  ${formatCostMicros(c.costMicros)}`,
    );
  out.push("", "Draft approvals by prompt version");
  if (u.approvals.length === 0) out.push("  (none)");
  else
    out.push(
      `  ${pad("prompt", 30)} drafted  approved(untouched/edited)  rejected  expired  pending  approval  untouched  mean edit`,
    );
  for (const a of u.approvals)
    out.push(
      `  ${pad(a.promptVersion, 30)} ${String(a.drafted).padStart(7)}  ${pad(`${a.approvedWithoutEdit + a.approvedAfterEdit} (${a.approvedWithoutEdit}/${a.approvedAfterEdit})`, 26)} ${String(a.rejected).padStart(8)}  ${String(a.expired).padStart(7)}  ${String(a.pending).padStart(7)}  ${pad(pct(a.approvalRate), 8)}  ${pad(pct(a.untouchedRate), 9)}  ${a.meanEditDistance === null ? "—" : `${Math.round(a.meanEditDistance)} chars (${pct(a.meanEditRatio)})`}`,
    );
  return `${out.join("\n")}\n`;
}

/**
 * `keel usage --prompts [--tenant SLUG] [--month YYYY-MM] [--json]`. `keel usage` delegates here when
 * it sees `--prompts`, passing its deps.
 */
export async function usagePromptsCommand(argv: string[], io: Io, d: Deps): Promise<number> {
  const args = usageArgs(
    argv,
    io,
    d.clock.now(),
    "Usage: keel usage --prompts [--tenant SLUG] [--month YYYY-MM] [--json]\n",
    { prompts: true },
  );
  if (!args) return 2;
  const tenant = await requireTenant(d.db, args.tenant ?? d.config.app.defaultTenant);
  const usage = await promptUsage(d, tenant.id, tenant.slug, args.month);
  io.stdout.write(args.json ? `${JSON.stringify(usage, null, 2)}\n` : renderPromptUsage(usage));
  return 0;
}
