import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { requireTenant } from "../../../src/core/features/tenancy/index.js";
import { calibrationProposals, stageSettingChanges } from "../../../src/core/infra/db/schema/index.js";
import { buttons, clickPayload, createHarness, type Harness } from "../slack/harness.js";
import { type CloudHarness, cloudHarness, text } from "../whatsapp/cloud-harness.js";

const OWNER_WA = "+15550000001";

describe("the calibration card on Slack: buttons, one decision per click", () => {
  let h: Harness;
  let tenantId: string;
  beforeAll(async () => {
    h = await createHarness();
    tenantId = (await requireTenant(h.deps.db, "demo")).id;
  });
  afterAll(async () => {
    await h?.close();
  });

  it("`/keel calibration` shows Approve / Reject buttons; a click applies one proposal; a second click changes nothing", async () => {
    const r = await h.command("/keel", "calibration", "U0OWNER");
    await h.runtime.idle();
    const body = h.api.responsesFor(r.responseId)[0]!.body;
    const b = buttons(body.blocks as unknown[]);
    const approve = Object.entries(b).find(([label]) => label.startsWith("Approve #"))!;
    expect(approve).toBeDefined();
    const seq = Number(/#(\d+)/.exec(approve[0])![1]);
    const click = () =>
      h.interact(
        clickPayload({
          user: "U0OWNER",
          value: approve[1].value,
          actionId: approve[1].action_id,
          responseId: r.responseId,
          api: h.api,
          blocks: body.blocks as unknown[],
        }),
      );
    expect((await click()).res.status).toBe(200);
    await h.runtime.idle();
    expect((await click()).res.status).toBe(200);
    await h.runtime.idle();
    const [row] = await h.deps.db.tenantTx(tenantId, (tx) =>
      tx.select().from(calibrationProposals).where(eq(calibrationProposals.seq, seq)),
    );
    expect(row!.status).toBe("approved");
    const changes = await h.deps.db.tenantTx(tenantId, (tx) =>
      tx.select().from(stageSettingChanges).where(eq(stageSettingChanges.proposalId, row!.id)),
    );
    expect(changes).toHaveLength(Object.keys(row!.changes).length);
  });

  it("a rep's click on the owner's card is refused and changes nothing", async () => {
    const r = await h.command("/keel", "calibration", "U0OWNER");
    await h.runtime.idle();
    const body = h.api.responsesFor(r.responseId)[0]!.body;
    const approve = Object.entries(buttons(body.blocks as unknown[])).find(([l]) =>
      l.startsWith("Approve #"),
    );
    expect(approve).toBeDefined();
    if (!approve) return;
    const before = await h.deps.db.tenantTx(tenantId, (tx) => tx.select().from(stageSettingChanges));
    await h.interact(
      clickPayload({
        user: "U0REP1",
        value: approve[1].value,
        actionId: approve[1].action_id,
        responseId: r.responseId,
        api: h.api,
      }),
    );
    await h.runtime.idle();
    const after = await h.deps.db.tenantTx(tenantId, (tx) => tx.select().from(stageSettingChanges));
    expect(after).toHaveLength(before.length);
  });
});

describe("the calibration card on WhatsApp: numbered replies", () => {
  let h: CloudHarness;
  beforeAll(async () => {
    h = await cloudHarness();
  });
  afterAll(() => h.close());

  it("`calibration` lists numbered options; “1” approves the first proposal once", async () => {
    await h.post(text(OWNER_WA, "calibration"));
    const pending = await h.d.db.tenantTx(h.tenantId, (tx) =>
      tx.select().from(calibrationProposals).where(eq(calibrationProposals.status, "pending")),
    );
    expect(pending.length).toBeGreaterThan(0);
    const first = pending.sort((a, b) => a.seq - b.seq)[0]!;
    await h.post(text(OWNER_WA, "1"));
    const [row] = await h.d.db.tenantTx(h.tenantId, (tx) =>
      tx.select().from(calibrationProposals).where(eq(calibrationProposals.id, first.id)),
    );
    expect(row!.status).toBe("approved");
    const sent = h.graph.messages() as unknown as {
      text?: { body: string };
      interactive?: { body: { text: string } };
    }[];
    const last = sent.at(-1)!;
    expect(last.text?.body ?? last.interactive?.body.text).toContain(`Approved #${first.seq}`);
  });
});
