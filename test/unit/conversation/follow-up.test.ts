import { describe, expect, it } from "vitest";
import {
  type ConversationState,
  nextState,
  resolveFollowUp,
} from "../../../src/core/features/conversation/index.js";
import { readRemindQuery } from "../../../src/core/features/drafts/create.js";
import type { Intent } from "../../../src/core/intents/intent.js";

const state: ConversationState = {
  lastQuery: { measure: "deals", filters: {} },
  entities: [
    { type: "deal", id: "d-1", name: "Fjord — Pallets" },
    { type: "deal", id: "d-2", name: "Acme — Racks" },
    { type: "deal", id: "d-3", name: "Borealis — Film" },
  ],
  pending: [
    { label: "Fjord — Pallets", intent: { kind: "deal.show", query: "d-1" } },
    { label: "Acme — Racks", intent: { kind: "deal.show", query: "d-2" } },
    { label: "Borealis — Film", intent: { kind: "deal.show", query: "d-3" } },
  ],
};
const empty: ConversationState = { lastQuery: null, entities: [], pending: [] };
const show = (id: string) => ({ kind: "intent", args: { kind: "deal.show", query: id } });

describe("follow-ups read against the conversation's context", () => {
  it.each([
    ["2", "d-2"],
    [" 3 ", "d-3"],
    ["#1", "d-1"],
    ["2.", "d-2"],
    ["option 2", "d-2"],
    ["number 3", "d-3"],
    ["opción 2", "d-2"],
    ["٢", "d-2"],
    ["۳", "d-3"],
    ["رقم ١", "d-1"],
    ["tell me more about the second one", "d-2"],
    ["the first one", "d-1"],
    ["show me the third one please", "d-3"],
    ["more about the last one", "d-3"],
    ["el segundo", "d-2"],
    ["der zweite", "d-2"],
    ["tell me more", "d-1"],
    ["what should I actually do about it?", "d-1"],
  ])("%s → the deal it points at", (text, id) => {
    expect(resolveFollowUp(text, state)).toEqual(show(id));
  });

  it.each(["remind them", "remind him", "chase them", "follow up with them", "recuérdales", "erinnere sie"])(
    "%s → a draft for what was just discussed",
    (text) => {
      expect(resolveFollowUp(text, state)).toEqual({
        kind: "intent",
        args: { kind: "draft.create", query: "d-1" },
      });
    },
  );

  it("a customer shown for what they owe is reminded about their invoice", () => {
    const s: ConversationState = {
      ...empty,
      entities: [{ type: "customer", id: "Nordlicht GmbH", name: "Nordlicht GmbH", via: "invoice" }],
    };
    expect(resolveFollowUp("remind them", s)).toEqual({
      kind: "intent",
      args: { kind: "draft.create", query: "Nordlicht GmbH about their invoice" },
    });
  });

  it("approve it / reject that act on the draft just shown, never on a guess", () => {
    const s: ConversationState = {
      ...state,
      entities: [{ type: "draft", id: "x-9", name: "#9" }, ...state.entities],
    };
    expect(resolveFollowUp("approve it", s)).toEqual({
      kind: "intent",
      args: { kind: "draft.approve", draftRef: "x-9" },
    });
    expect(resolveFollowUp("ok send it", s)).toEqual({
      kind: "intent",
      args: { kind: "draft.approve", draftRef: "x-9" },
    });
    expect(resolveFollowUp("reject that", s)).toEqual({
      kind: "intent",
      args: { kind: "draft.reject", draftRef: "x-9" },
    });
    expect(resolveFollowUp("approve it", state)).toMatchObject({ kind: "reply" });
  });

  it("nothing to point at: an explanation, not a guess", () => {
    expect(resolveFollowUp("2", empty)).toMatchObject({ kind: "reply" });
    expect(resolveFollowUp("9", state)).toMatchObject({
      kind: "reply",
      text: expect.stringContaining("1 to 3"),
    });
    expect(resolveFollowUp("remind them", empty)).toMatchObject({ kind: "reply" });
    expect(resolveFollowUp("the second one", empty)).toMatchObject({ kind: "reply" });
  });

  it("ordinary questions are not follow-ups", () => {
    for (const t of [
      "who owes us the most",
      "revenue in october",
      "remind Acme",
      "2026 revenue",
      "how is the first quarter",
    ])
      expect(resolveFollowUp(t, state), t).toBeNull();
  });

  it("the next state: buttons or listed rows become the choices, an ask query is remembered", () => {
    const intent = { kind: "coach.message" } as Intent;
    const s = nextState(empty, intent, {
      text: "Deals",
      meta: {
        intent: "ask",
        query: { measure: "deals", filters: {} },
        entities: [
          { type: "deal", id: "a", name: "A" },
          { type: "deal", id: "b", name: "B" },
        ],
      },
    });
    expect(s.pending.map((p) => p.intent)).toEqual([
      { kind: "deal.show", query: "a" },
      { kind: "deal.show", query: "b" },
    ]);
    expect(s.lastQuery).toEqual({ measure: "deals", filters: {} });
    // A reply with nothing to choose clears the choices but keeps what was discussed.
    const after = nextState(s, intent, { text: "ok" });
    expect(after.pending).toEqual([]);
    expect(after.entities).toHaveLength(2);
    // Junk in metadata is not an entity.
    const junk = nextState(empty, intent, { text: "x", meta: { entities: [{ type: "admin", id: 1 }, "x"] } });
    expect(junk.entities).toEqual([]);
  });
});

describe("what a remind request names", () => {
  it.each([
    ["Acme about their invoice", { name: "Acme", wants: "invoice" }],
    ["Acme about the invoice", { name: "Acme", wants: "invoice" }],
    ["Fjord Seafood regarding their payment", { name: "Fjord Seafood", wants: "invoice" }],
    ["Acme to pay their bill", { name: "Acme", wants: "invoice" }],
    ["the Fjord deal", { name: "Fjord", wants: "deal" }],
    ["Acme about the proposal", { name: "Acme", wants: "deal" }],
    ["Acme invoice", { name: "Acme", wants: "invoice" }],
    ["Acme", { name: "Acme" }],
    ["INV-1042", { name: "INV-1042" }],
  ])("%s", (q, want) => {
    expect(readRemindQuery(q)).toEqual(want);
  });
});
