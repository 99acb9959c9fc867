import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EDIT_CALLBACK_ID } from "../../../src/bots/slack/listeners/edit-modal.js";
import { listDeals } from "../../../src/core/features/deals/index.js";
import { updateApprovalPolicy } from "../../../src/core/features/drafts/index.js";
import { actorByEmail, requireTenant } from "../../../src/core/features/tenancy/index.js";
import { buttons, clickPayload, createHarness, type Harness, recordAck } from "./harness.js";

let h: Harness;
const acks: number[] = [];
let tenantId: string;
let next = 0;
let dealNames: string[] = [];
beforeAll(async () => {
  h = await createHarness();
  tenantId = (await requireTenant(h.deps.db, "demo")).id;
  // These tests are about the buttons, not four eyes (see approvals-everywhere.test.ts): the owner
  // may approve their own drafts here.
  await updateApprovalPolicy(h.deps, await actorByEmail(h.deps.db, tenantId, "owner@demo.example"), {
    fourEyesAbove: null,
  });
  dealNames = (await h.deps.db.tenantTx(tenantId, (tx) => listDeals(tx, h.deps.clock.now())))
    .map((x) => x.name)
    .filter((n) => n !== "Acme Logistics");
});
afterAll(async () => {
  recordAck("button clicks (app.request)", acks);
  await h?.close();
});

/**
 * `/remind DEAL` in #sales → the draft message as Slack received it (via response_url). A new deal each
 * time: one draft may wait per deal.
 */
async function newDraft(deal = dealNames[next++]!) {
  const r = await h.command("/remind", deal, "U0OWNER");
  await h.runtime.idle();
  const msg = h.api.responsesFor(r.responseId)[0]!.body;
  return { msg, b: buttons(msg.blocks as unknown[]), text: String(msg.text) };
}

describe("approve / reject / edit buttons", () => {
  it("approve clicked 20 times concurrently sends the draft exactly once and marks the message decided", async () => {
    const { b, msg } = await newDraft("Acme Logistics");
    const before = h.api.callsTo("chat.postMessage").length;
    const clicks = Array.from({ length: 20 }, (_, i) =>
      clickPayload({
        user: i % 2 ? "U0OWNER" : "U0MANAGER",
        value: b.Approve!.value,
        actionId: b.Approve!.action_id,
        responseId: `approve20-${i}`,
        api: h.api,
        blocks: msg.blocks as unknown[],
      }),
    );
    const results = await Promise.all(clicks.map((p) => h.interact(p)));
    for (const r of results) {
      expect(r.res.status).toBe(200);
      acks.push(r.ms);
    }
    await h.runtime.idle();
    const sent = h.api
      .callsTo("chat.postMessage")
      .slice(before)
      .filter(
        (c) => (c.params.metadata as { event_type?: string } | undefined)?.event_type === "keel_outbox",
      );
    expect(sent).toHaveLength(1);
    expect(sent[0]!.params.channel).toBe("C0SALES");
    expect(String(sent[0]!.params.text)).toContain("Hi Acme Logistics team");
    const replaced = h.api.responses.filter(
      (r) => r.id.startsWith("approve20-") && r.body.replace_original === true,
    );
    expect(replaced).toHaveLength(1);
    const decided = JSON.stringify(replaced[0]!.body.blocks);
    expect(decided).toMatch(/<@U0(OWNER|MANAGER)>/);
    expect(decided).toContain("<!date^");
    expect(decided).not.toContain('"type":"actions"');
  });

  it("approve by a viewer gets an ephemeral refusal and nothing is sent", async () => {
    const { b } = await newDraft();
    const before = h.api.callsTo("chat.postMessage").length;
    await h.interact(
      clickPayload({ user: "U0VIEWER", value: b.Approve!.value, responseId: "viewer-approve", api: h.api }),
    );
    await h.runtime.idle();
    const [answer] = h.api.responsesFor("viewer-approve");
    expect(answer!.body.response_type).toBe("ephemeral");
    expect(answer!.body.replace_original).toBe(false);
    expect(String(answer!.body.text)).toMatch(/viewer cannot approve/i);
    expect(h.api.callsTo("chat.postMessage").length).toBe(before);
  });

  it("a forged or unknown button value is refused without running anything", async () => {
    const before = h.api.calls.length;
    await h.interact(
      clickPayload({
        user: "U0OWNER",
        value: JSON.stringify({ kind: "draft.approve", draftRef: "1" }),
        responseId: "forged",
        api: h.api,
      }),
    );
    await h.interact(
      clickPayload({ user: "U0OWNER", value: "AAAAAAAAAAAAAAAAAAAAAA", responseId: "unknown", api: h.api }),
    );
    await h.runtime.idle();
    expect(String(h.api.responsesFor("forged")[0]!.body.text)).toMatch(/expired/);
    expect(String(h.api.responsesFor("unknown")[0]!.body.text)).toMatch(/expired/);
    expect(h.api.calls.length).toBe(before);
  });

  it("reject replaces the message; a later approve is told it is already decided", async () => {
    const { b, msg } = await newDraft();
    await h.interact(
      clickPayload({
        user: "U0MANAGER",
        value: b.Reject!.value,
        responseId: "reject-1",
        api: h.api,
        blocks: msg.blocks as unknown[],
      }),
    );
    await h.runtime.idle();
    expect(h.api.responsesFor("reject-1")[0]!.body.replace_original).toBe(true);
    await h.interact(
      clickPayload({ user: "U0OWNER", value: b.Approve!.value, responseId: "approve-late", api: h.api }),
    );
    await h.runtime.idle();
    const late = h.api.responsesFor("approve-late")[0]!.body;
    expect(late.response_type).toBe("ephemeral");
    expect(String(late.text)).toMatch(/already rejected/);
  });

  it("edit opens a modal prefilled with the draft; submitting records the new text and refreshes the message", async () => {
    const { b, msg } = await newDraft();
    await h.interact(
      clickPayload({
        user: "U0OWNER",
        value: b.Edit!.value,
        actionId: b.Edit!.action_id,
        responseId: "edit-1",
        api: h.api,
        blocks: msg.blocks as unknown[],
      }),
    );
    await h.runtime.idle();
    const open = h.api.callsTo("views.open").at(-1)!;
    const view = open.params.view as {
      callback_id: string;
      private_metadata: string;
      blocks: { element: { initial_value: string } }[];
    };
    expect(view.callback_id).toBe(EDIT_CALLBACK_ID);
    expect(view.blocks[0]!.element.initial_value.length).toBeGreaterThan(10);
    expect(view.private_metadata).toMatch(/^[A-Za-z0-9_-]{22}$/);

    const empty = await h.interact(submission(view.private_metadata, "   "));
    expect(await empty.res.json()).toMatchObject({ response_action: "errors" });

    await h.interact(
      submission(view.private_metadata, "Hi! Checking in on the Acme rollout — can we talk Tuesday?"),
    );
    await h.runtime.idle();
    const refreshed = h.api.responsesFor("edit-1").at(-1)!.body;
    expect(refreshed.replace_original).toBe(true);
    expect(String(refreshed.text)).toContain("can we talk Tuesday?");
    expect(Object.keys(buttons(refreshed.blocks as unknown[]))).toEqual(["Approve", "Edit", "Reject"]);
    const seq = String(refreshed.text).match(/#(\d+)/)![1]!;
    const history = await h.command("/keel", `drafts history ${seq}`);
    await h.runtime.idle();
    expect(
      String(h.api.responsesFor(history.responseId)[0]!.body.text) +
        JSON.stringify(h.api.responsesFor(history.responseId)[0]!.body.blocks),
    ).toMatch(/edited by Olivia/);
  });

  it("a viewer clicking Edit is refused and no modal opens", async () => {
    const { b } = await newDraft();
    const before = h.api.callsTo("views.open").length;
    await h.interact(
      clickPayload({ user: "U0VIEWER", value: b.Edit!.value, responseId: "edit-viewer", api: h.api }),
    );
    await h.runtime.idle();
    expect(h.api.callsTo("views.open").length).toBe(before);
    expect(h.api.responsesFor("edit-viewer")[0]!.body.response_type).toBe("ephemeral");
  });
});

function submission(ref: string, text: string) {
  return {
    type: "view_submission",
    team: { id: "T0DEMO", domain: "demo" },
    user: { id: "U0OWNER", username: "owner", team_id: "T0DEMO" },
    api_app_id: "A0KEEL",
    token: "legacy",
    trigger_id: `trig-${Math.random()}`,
    view: {
      id: `V${Math.random().toString(36).slice(2, 8)}`,
      team_id: "T0DEMO",
      type: "modal",
      callback_id: EDIT_CALLBACK_ID,
      private_metadata: ref,
      hash: `h${Math.random().toString(36).slice(2, 8)}`,
      state: { values: { body: { text: { type: "plain_text_input", value: text } } } },
      blocks: [],
    },
  };
}
