import type { DraftStatus } from "../../infra/db/schema/drafts.js";

export type { DraftStatus };

export type DraftEvent = "drafted" | "edited" | "approved" | "scheduled" | "sent" | "rejected" | "expired";

/** The draft lifecycle: drafted → edited* → approved → scheduled → sent, or rejected / expired. */
const TRANSITIONS: Record<DraftStatus, Partial<Record<DraftEvent, DraftStatus>>> = {
  drafted: { edited: "edited", approved: "approved", rejected: "rejected", expired: "expired" },
  edited: { edited: "edited", approved: "approved", rejected: "rejected", expired: "expired" },
  approved: { scheduled: "scheduled" },
  scheduled: { sent: "sent" },
  sent: {},
  rejected: {},
  expired: {},
};

export function nextStatus(from: DraftStatus, event: DraftEvent): DraftStatus | null {
  return TRANSITIONS[from][event] ?? null;
}

export function isPending(s: DraftStatus): boolean {
  return s === "drafted" || s === "edited";
}

export function isTerminal(s: DraftStatus): boolean {
  return Object.keys(TRANSITIONS[s]).length === 0;
}

/** A compact line diff of an edit, stored with the edit event. */
export function textDiff(before: string, after: string): { removed: string[]; added: string[] } {
  const a = before.split("\n");
  const b = after.split("\n");
  return { removed: a.filter((l) => !b.includes(l)), added: b.filter((l) => !a.includes(l)) };
}
