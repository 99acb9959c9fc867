import { WebClient } from "@slack/web-api";
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { viewViolations } from "../../../src/bots/slack/render/view-rules.js";
import { requireTenant } from "../../../src/core/features/tenancy/index.js";
import { deals, drafts } from "../../../src/core/infra/db/schema/index.js";
import { createScheduler, draftExpiryJob } from "../../../src/jobs/index.js";
import { buttons, clickPayload, createHarness, type Harness } from "./harness.js";

/**
 * Issue 15's embarrassments through real signed Slack requests and the real @slack/web-api against a
 * local Slack: the App Home view (two drafts, Slack's view rules), a Home click with no response_url,
 * a closed deal, a duplicate, internal notes, self-approval above the threshold, expiry.
 */
let h: Harness;
let tenantId: string;
type Row = typeof deals.$inferSelect;
const openDeal = async (company: string): Promise<Row> => {
  const [d] = await h.deps.db.tenantTx(tenantId, (tx) =>
    tx
      .select()
      .from(deals)
      .where(and(eq(deals.company, company), eq(deals.status, "open")))
      .limit(1),
  );
  return d!;
};
const draftsAbout = (id: string) =>
  h.deps.db.tenantTx(tenantId, (tx) => tx.select().from(drafts).where(eq(drafts.subjectId, id)));
const outboxPosts = () =>
  h.api
    .callsTo("chat.postMessage")
    .filter((c) => (c.params.metadata as { event_type?: string } | undefined)?.event_type === "keel_outbox");

/** `/remind …` by `user` in #sales → the message Slack received on the response_url. */
async function remind(text: string, user = "U0OWNER") {
  const r = await h.command("/remind", text, user);
  await h.runtime.idle();
  const body = h.api.responsesFor(r.responseId)[0]!.body;
  return { body, text: String(body.text), b: buttons(body.blocks as unknown[]) };
}

async function openHome(user: string) {
  await h.event({
    type: "app_home_opened",
    user,
    channel: `D${user}`,
    tab: "home",
    event_ts: `${Date.now() / 1000}`,
  });
  await h.runtime.idle();
  const pub = h.api
    .callsTo("views.publish")
    .filter((c) => c.params.user_id === user)
    .at(-1)!;
  return pub.params.view as { type: string; blocks: Record<string, unknown>[] };
}

beforeAll(async () => {
  h = await createHarness();
  tenantId = (await requireTenant(h.deps.db, "demo")).id;
});
afterAll(async () => {
  await h?.close();
});

describe("App Home approvals", () => {
  it("the local Slack refuses a view with a repeated block_id, like Slack does", async () => {
    const client = new WebClient("xoxb-test-demo", { slackApiUrl: h.api.url, retryConfig: { retries: 0 } });
    const block = { type: "actions", block_id: "keel-actions-0", elements: [] };
    await expect(
      client.views.publish({ user_id: "U0OWNER", view: { type: "home", blocks: [block, block] } as never }),
    ).rejects.toMatchObject({
      data: { error: "invalid_blocks" },
    });
  });

  it("two pending drafts on the Home view: unique block ids, within Slack's limits, amounts and age shown", async () => {
    await remind((await openDeal("Zenith Telecom")).name);
    await remind((await openDeal("Titan Steel")).name);
    const view = await openHome("U0MANAGER");
    expect(viewViolations(view.blocks as never)).toEqual([]);
    const ids = view.blocks.map((b) => b.block_id).filter(Boolean);
    expect(new Set(ids).size).toBe(ids.length);
    expect(view.blocks.length).toBeLessThanOrEqual(100);
    const shown = JSON.stringify(view);
    expect(shown).toMatch(/Waiting for your approval \(2\)/);
    expect(shown).toMatch(/2 drafts about \$[\d,]+ wait for approval; the oldest for \d+ min/);
    expect(shown).toContain("*Amount*");
    expect(view.blocks.filter((b) => b.type === "actions")).toHaveLength(2);
    // The call that published it was accepted by the local Slack (which rejects repeated block_ids).
    expect(h.api.callsTo("views.publish").at(-1)!.params.user_id).toBe("U0MANAGER");
  });

  it("a viewer's Home offers no buttons at all", async () => {
    const view = await openHome("U0VIEWER");
    expect(view.blocks.filter((b) => b.type === "actions")).toHaveLength(0);
    expect(JSON.stringify(view)).toContain("Waiting for your approval (0)");
  });

  it("approve clicked in App Home (no channel, no response_url): sent once, result DMed, Home refreshed", async () => {
    const view = await openHome("U0MANAGER");
    const b = buttons(view.blocks);
    const publishesBefore = h.api.callsTo("views.publish").length;
    const sentBefore = outboxPosts().length;
    const payload = {
      type: "block_actions",
      team: { id: "T0DEMO", domain: "demo" },
      user: { id: "U0MANAGER", username: "manager", team_id: "T0DEMO" },
      api_app_id: "A0KEEL",
      token: "legacy",
      container: { type: "view", view_id: "V0HOME" },
      trigger_id: "trig-home-1",
      view: {
        id: "V0HOME",
        team_id: "T0DEMO",
        type: "home",
        blocks: view.blocks,
        hash: "h1",
        state: { values: {} },
      },
      actions: [
        {
          type: "button",
          action_id: b.Approve!.action_id,
          block_id: String(view.blocks.find((x) => x.type === "actions")!.block_id),
          value: b.Approve!.value,
          action_ts: String(Date.now() / 1000),
        },
      ],
    };
    const { res } = await h.interact(payload);
    expect(res.status).toBe(200);
    await h.runtime.idle();
    const dm = h.api
      .callsTo("chat.postMessage")
      .filter((c) => c.params.channel === "U0MANAGER")
      .at(-1)!;
    expect(String(dm.params.text)).toMatch(/Approved draft #\d+ by Marco Ruiz/);
    expect(outboxPosts().length - sentBefore).toBe(1);
    expect(h.api.callsTo("views.publish").length).toBeGreaterThan(publishesBefore);
    const refreshed = h.api.callsTo("views.publish").at(-1)!.params.view as {
      blocks: Record<string, unknown>[];
    };
    expect(JSON.stringify(refreshed)).toMatch(/Waiting for your approval \(1\)/);
    // Someone else clicking the same (now stale) button is told it was decided; nothing more is sent.
    await h.interact({
      ...payload,
      trigger_id: "trig-home-2",
      user: { id: "U0OWNER", username: "owner", team_id: "T0DEMO" },
    });
    await h.runtime.idle();
    const again = h.api
      .callsTo("chat.postMessage")
      .filter((c) => c.params.channel === "U0OWNER")
      .at(-1)!;
    expect(String(again.params.text)).toMatch(/already (scheduled|sent)/);
    expect(outboxPosts().length - sentBefore).toBe(1);
  });
});

describe("the embarrassments, through Slack", () => {
  it("/remind on a closed deal is refused; nothing is drafted", async () => {
    const [lost] = await h.deps.db.tenantTx(tenantId, (tx) =>
      tx.select().from(deals).where(eq(deals.status, "lost")).limit(1),
    );
    const r = await remind(lost!.name);
    expect(r.text).toMatch(/No follow-up drafted: .* is closed \(lost\)/);
    expect(await draftsAbout(lost!.id)).toHaveLength(0);
  });

  it("/remind twice shows the pending draft instead of a second one", async () => {
    const deal = await openDeal("Kestrel Robotics");
    const first = await remind(deal.name);
    const second = await remind(deal.name, "U0MANAGER");
    expect(second.text).toMatch(/already waiting for approval/);
    expect(Object.keys(second.b)[0]).toBe("Edit");
    expect(await draftsAbout(deal.id)).toHaveLength(1);
    expect(first.text).not.toBe(second.text);
  });

  it("the Acme follow-up quotes neither its next step nor its notes", async () => {
    const r = await remind("Acme Logistics", "U0MANAGER");
    expect(r.text + JSON.stringify(r.body.blocks)).not.toMatch(
      /chase purchase order|PO is stuck|next step on our side/i,
    );
  });

  it("the author above the threshold gets no Approve button, and `/keel approve N` is refused; nothing is sent", async () => {
    const deal = await openDeal("Lumen Optics");
    expect(deal.valueMinor).toBeGreaterThan(1_000_000);
    const r = await remind(deal.name, "U0OWNER");
    expect(Object.keys(r.b)).toEqual(["Edit", "Reject"]);
    const seq = r.text.match(/Draft #(\d+)/)![1]!;
    const before = outboxPosts().length;
    const cmd = await h.command("/keel", `approve ${seq}`, "U0OWNER");
    await h.runtime.idle();
    expect(String(h.api.responsesFor(cmd.responseId)[0]!.body.text)).toMatch(/Four eyes/);
    expect(outboxPosts().length).toBe(before);
  });

  it("after the expiry job, an old Approve button says expired and sends nothing", async () => {
    const deal = await openDeal("Nimbus Cloud Hosting");
    const r = await remind(deal.name, "U0MANAGER");
    const seq = r.text.match(/Draft #(\d+)/)![1]!;
    // The owner's Approve button for this draft, as their Home view shows it.
    const home = await openHome("U0OWNER");
    const at = home.blocks.findIndex((b) => JSON.stringify(b).includes(`Draft #${seq}`));
    const approve = buttons(
      home.blocks.slice(at).filter((b, i, all) => all.findIndex((x) => x.type === "actions") >= i),
    ).Approve!;
    await h.deps.db.tenantTx(tenantId, (tx) =>
      tx
        .update(drafts)
        .set({ expiresAt: new Date(Date.now() - 60_000) })
        .where(eq(drafts.subjectId, deal.id)),
    );
    expect(
      (await createScheduler(h.deps, [draftExpiryJob], { timers: false }).fire(draftExpiryJob.name)).status,
    ).toBe("succeeded");
    const [row] = await draftsAbout(deal.id);
    expect(row!.status).toBe("expired");
    const before = outboxPosts().length;
    await h.interact(
      clickPayload({ user: "U0OWNER", value: approve.value, responseId: "expired-click", api: h.api }),
    );
    await h.runtime.idle();
    const answer = h.api.responsesFor("expired-click")[0]!.body;
    expect(answer.response_type).toBe("ephemeral");
    expect(String(answer.text)).toMatch(/already expired/);
    expect(outboxPosts().length).toBe(before);
  });
});
