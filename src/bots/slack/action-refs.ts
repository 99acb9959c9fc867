import { randomBytes } from "node:crypto";
import type { ActionIntent } from "../../core/ports/reply.js";
import type { Store } from "../../core/ports/store.js";

/** Button references live this long (drafts expire sooner; an old button then says "expired"). */
export const ACTION_REF_TTL_MS = 14 * 24 * 3_600_000;
const PREFIX = "slack:action:";

export interface StoredAction {
  /** Workspace that was shown the button; a click from another workspace is refused. */
  teamId: string;
  intent: ActionIntent;
  label: string;
  /** Where the button was shown, for follow-ups (edit modal → update the message). */
  context?: { channel?: string; messageTs?: string; threadTs?: string; responseUrl?: string; home?: boolean };
}

/**
 * Keeps an action's intent server-side and returns an opaque reference for the button value, so a
 * forged click can only name a reference, never an intent or its arguments.
 */
export async function saveActionRef(
  store: Store,
  action: StoredAction,
  ttlMs = ACTION_REF_TTL_MS,
): Promise<string> {
  const ref = randomBytes(16).toString("base64url");
  await store.set(PREFIX + ref, JSON.stringify(action), { ttlMs });
  return ref;
}

/** Resolves a button value; undefined when unknown, expired, malformed or from another workspace. */
export async function loadActionRef(
  store: Store,
  ref: unknown,
  teamId: string,
): Promise<StoredAction | undefined> {
  if (typeof ref !== "string" || !/^[A-Za-z0-9_-]{16,64}$/.test(ref)) return undefined;
  const raw = await store.get(PREFIX + ref);
  if (!raw) return undefined;
  const action = JSON.parse(raw) as StoredAction;
  return action.teamId === teamId ? action : undefined;
}
