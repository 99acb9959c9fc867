import { randomBytes } from "node:crypto";
import type { IntentArgs } from "../../core/intents/intent.js";
import type { Action } from "../../core/ports/reply.js";
import type { Store } from "../../core/ports/store.js";

interface StoredAction {
  contact: string;
  intent: IntentArgs;
}

/**
 * What a WhatsApp chat last offered, kept server-side in the Store with a short expiry: each action
 * gets an opaque reference (used as the reply-button id), and the chat's numbered menu lists them in
 * order. The wire only ever carries the reference; the intent comes back from here.
 */
export class ActionMenu {
  constructor(
    private readonly store: Store,
    private readonly ttlMs: number,
  ) {}

  private menuKey = (tenantId: string, contact: string) => `wa:menu:${tenantId}:${contact}`;
  private actKey = (tenantId: string, ref: string) => `wa:act:${tenantId}:${ref}`;
  private editKey = (tenantId: string, contact: string) => `wa:edit:${tenantId}:${contact}`;

  /** Stores the actions shown to `contact` and returns their references (same order). No actions clears the menu. */
  async remember(tenantId: string, contact: string, actions: Action[]): Promise<string[]> {
    if (actions.length === 0) {
      await this.store.del(this.menuKey(tenantId, contact));
      return [];
    }
    const refs = actions.map(() => `k${randomBytes(9).toString("base64url")}`);
    for (const [i, a] of actions.entries()) {
      const value: StoredAction = { contact, intent: a.intent };
      await this.store.set(this.actKey(tenantId, refs[i]!), JSON.stringify(value), { ttlMs: this.ttlMs });
    }
    await this.store.set(this.menuKey(tenantId, contact), JSON.stringify(refs), { ttlMs: this.ttlMs });
    return refs;
  }

  /** The intent behind a reference, only for the contact it was shown to. */
  async byRef(tenantId: string, contact: string, ref: string): Promise<IntentArgs | null> {
    if (!/^k[\w-]{6,40}$/.test(ref)) return null;
    const raw = await this.store.get(this.actKey(tenantId, ref));
    if (!raw) return null;
    const v = JSON.parse(raw) as StoredAction;
    return v.contact === contact ? v.intent : null;
  }

  /** The current numbered menu (intents in order; an expired entry is null). Empty when nothing is offered. */
  async current(tenantId: string, contact: string): Promise<(IntentArgs | null)[]> {
    const raw = await this.store.get(this.menuKey(tenantId, contact));
    if (!raw) return [];
    const refs = JSON.parse(raw) as string[];
    return Promise.all(refs.map((r) => this.byRef(tenantId, contact, r)));
  }

  /** After "Edit": the next message from this contact is the new text of `draftId`. */
  async awaitEdit(tenantId: string, contact: string, draftId: string | undefined): Promise<void> {
    if (draftId) await this.store.set(this.editKey(tenantId, contact), draftId, { ttlMs: this.ttlMs });
    else await this.store.del(this.editKey(tenantId, contact));
  }

  async pendingEdit(tenantId: string, contact: string): Promise<string | undefined> {
    return (await this.store.get(this.editKey(tenantId, contact))) ?? undefined;
  }
}
