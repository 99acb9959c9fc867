import type { Deps } from "../../deps.js";
import { bold } from "../../kernel/markdown/index.js";
import type { Reply } from "../../ports/reply.js";
import { listAccounts } from "./accounts.js";

const label = (p: string) => p.charAt(0).toUpperCase() + p.slice(1);
const when = (d: Date | null) => (d ? `${d.toISOString().slice(0, 16).replace("T", " ")} UTC` : "never");

type Counts = Record<string, number>;

/** "deals 3 new, 1 updated; persons 2 new" from a stored report's per-entity counts. */
function changes(report: Record<string, unknown> | null): string {
  const entities = report?.entities as Record<string, Counts> | undefined;
  if (!entities) return "";
  const parts: string[] = [];
  for (const [name, c] of Object.entries(entities)) {
    const bits = ["new", "updated", "deleted"].filter((k) => (c[k] ?? 0) > 0).map((k) => `${c[k]} ${k}`);
    if (bits.length) parts.push(`${name} ${bits.join(", ")}`);
  }
  return parts.length ? parts.join("; ") : "no changes";
}

/**
 * `sync status`: each connector's health from its account row — last success, the failing streak and
 * its error (already scrubbed when stored), the last run's changes. Reads only; never waits on the
 * remote system, so it answers even while a connector is down.
 */
export async function syncStatusReply(deps: Deps, tenantId: string, provider?: string): Promise<Reply> {
  const all = await listAccounts(deps, tenantId);
  const list = provider ? all.filter((a) => a.provider === provider) : all;
  if (!list.length)
    return {
      text: provider
        ? `${label(provider)} is not connected. Connect it with \`keel connect ${provider} --tenant SLUG --token …\`.`
        : "No connectors yet. Connect your CRM with `keel connect pipedrive --tenant SLUG --token …`.",
    };
  const sections = list.map((a) => {
    const report = a.lastReport;
    const failing = a.failingSince
      ? `failing since ${when(a.failingSince)} (${a.consecutiveFailures} run${a.consecutiveFailures === 1 ? "" : "s"}): ${a.lastError ?? a.lastErrorCode ?? "unknown error"}${a.alertedAt ? " — owner alerted" : ""}`
      : "healthy";
    const fields = [
      { label: "Status", value: failing },
      { label: "Last successful sync", value: when(a.lastSuccessAt) },
      { label: "Last run", value: when(a.lastSyncAt) },
    ];
    const ch = changes(report);
    if (ch) fields.push({ label: "Last run changes", value: ch });
    const errors = Array.isArray(report?.errors) ? (report.errors as string[]) : [];
    if (errors.length) fields.push({ label: "Rows not synced", value: String(errors.length) });
    return { title: label(a.provider), fields };
  });
  const bad = list.filter((a) => a.failingSince);
  return {
    text: bad.length
      ? `${bold(`${bad.map((a) => label(a.provider)).join(", ")} failing`)}; chat keeps answering from the data synced so far.`
      : `${bold("All connectors healthy.")}`,
    sections,
  };
}
