import { formatMoney } from "../../kernel/format.js";
import type { Action, Reply } from "../../ports/reply.js";
import type { DraftAccess } from "./access.js";
import { storedDraftPolicy } from "./policy.js";
import type { DraftRow } from "./repository.js";
import { ago } from "./rules.js";
import { isPending } from "./state.js";

/** The draft's amount as people read it ("$41,250"), or null when it is not about money. */
export function draftAmount(d: Pick<DraftRow, "policy">): string | null {
  const p = d.policy as { amountMinor?: unknown; currency?: unknown };
  return typeof p.amountMinor === "number"
    ? formatMoney(p.amountMinor, typeof p.currency === "string" ? p.currency : "USD")
    : null;
}

/**
 * The actions offered on a pending draft: all three in a shared chat (no single reader; a click by
 * someone not allowed is refused), or only those this person may take when `access` is known.
 */
export function draftActions(d: Pick<DraftRow, "id" | "status">, access?: DraftAccess): Action[] {
  if (!isPending(d.status)) return [];
  const all: Action[] = [
    { id: "approve", label: "Approve", style: "primary", intent: { kind: "draft.approve", draftRef: d.id } },
    { id: "edit", label: "Edit", intent: { kind: "draft.edit", draftRef: d.id } },
    { id: "reject", label: "Reject", style: "danger", intent: { kind: "draft.reject", draftRef: d.id } },
  ];
  if (!access) return all;
  return all.filter((a) =>
    a.id === "approve" ? access.approve.ok : a.id === "edit" ? access.edit : access.reject,
  );
}

export interface DraftReplyOptions {
  access?: DraftAccess;
  now?: Date;
  /** Extra lines shown under the headline (no address on file, recently sent). */
  notes?: string[];
}

export function draftReply(d: DraftRow, headline: string, o: DraftReplyOptions = {}): Reply {
  const policy = storedDraftPolicy(d.policy);
  const roleFindings = policy?.findings.filter((f) => f.rule === "discount" || f.rule === "amount") ?? [];
  const amount = draftAmount(d);
  const notes = o.notes?.length ? `${o.notes.join("\n")}\n\n` : "";
  const flags = Array.isArray(d.policy?.flags) ? (d.policy.flags as unknown[]).map(String) : [];
  return {
    text: `${flags.length ? "FLAGGED — check before approving. " : ""}${headline}\n\n${notes}${d.subject ? `Subject: ${d.subject}\n` : ""}${d.body}`,
    fields: [
      { label: "Draft", value: `#${d.seq}` },
      { label: "Status", value: d.status },
      { label: "Goes to", value: `${d.target.channel} ${d.target.address}` },
      ...(flags.length ? [{ label: "Flagged", value: flags.join("; ") }] : []),
      ...(amount ? [{ label: "Amount", value: amount }] : []),
      ...(o.now && isPending(d.status) ? [{ label: "Waiting", value: ago(d.createdAt, o.now) }] : []),
      ...(policy?.requireRoles.length && roleFindings.length
        ? [
            {
              label: "Needs approval by",
              value: `${policy.requireRoles.join(" or ")} (${roleFindings.map((f) => f.reason).join(", ")})`,
            },
          ]
        : []),
      ...(o.access && !o.access.approve.ok && isPending(d.status)
        ? [{ label: "You can't approve", value: o.access.approve.reason }]
        : []),
    ],
    actions: draftActions(d, o.access),
    meta: { draftId: d.id, draftSeq: d.seq, status: d.status, ...(flags.length ? { flagged: flags } : {}) },
  };
}
