import { randomUUID } from "node:crypto";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  calibrate,
  calibrationProposals,
  loadCalibrationHistory,
  loadStageRules,
} from "../../../src/core/features/cashflow/index.js";
import { actorByEmail, requireTenant } from "../../../src/core/features/tenancy/index.js";
import {
  calibrationProposals as proposalsTable,
  stageSettingChanges,
  stages,
} from "../../../src/core/infra/db/schema/index.js";
import { createDispatcher, type Dispatcher } from "../../../src/core/intents/dispatcher.js";
import type { Intent, IntentArgs } from "../../../src/core/intents/intent.js";
import { parseText } from "../../../src/core/intents/parse.js";
import { fixedClock } from "../../../src/core/ports/clock.js";
import type { Reply } from "../../../src/core/ports/reply.js";
import { registry } from "../../../src/core/registry.js";
import { loadDemo } from "../../../src/demo/load.js";
import { createTestDeps, type TestDeps } from "../../support/deps.js";

const clock = fixedClock("2025-12-03T10:00:00Z");
// biome-ignore lint/suspicious/noExplicitAny: reply metadata is a plain JSON bag in tests
const meta = (r: Reply) => r.meta as Record<string, any>;

describe("learned stage settings as an approval card (owner only)", () => {
  let d: TestDeps;
  let dispatcher: Dispatcher;
  let demo: string;
  const run = async (args: IntentArgs | string, email = "owner@demo.example"): Promise<Reply> => {
    const actor = await actorByEmail(d.db, demo, email);
    return dispatcher.dispatch({
      ...(typeof args === "string" ? parseText(args) : args),
      origin: { tenantId: demo, userId: actor.userId, channel: "console", conversationId: `c-${email}` },
      idempotencyKey: randomUUID(),
    } as Intent);
  };
  const history = () => d.db.tenantTx(demo, (tx) => tx.select().from(stageSettingChanges));
  const stageRow = async (id: string) =>
    (await d.db.tenantTx(demo, (tx) => tx.select().from(stages).where(eq(stages.id, id))))[0]!;

  beforeAll(async () => {
    d = await createTestDeps({}, { clock });
    await loadDemo(d);
    demo = (await requireTenant(d.db, "demo")).id;
    dispatcher = createDispatcher(d, registry);
  });
  afterAll(() => d.cleanup());

  it("`calibration` shows one card: each learned change with its sample size, Approve / Reject per stage", async () => {
    const expected = await d.db.tenantTx(demo, async (tx) =>
      calibrationProposals(calibrate(await loadCalibrationHistory(tx), await loadStageRules(tx))),
    );
    expect(expected.length).toBeGreaterThan(0);
    const r = await run("calibration");
    expect(meta(r).pending).toBe(expected.length);
    expect(r.sections).toHaveLength(expected.length);
    expect(r.actions).toHaveLength(2 * expected.length);
    for (const [i, p] of expected.entries()) {
      const s = r.sections![i]!;
      expect(s.title).toContain(p.name);
      if (p.probability)
        expect(s.text).toContain(
          `win probability ${Math.round(p.probability.from * 100)} % → ${Math.round(p.probability.to * 100)} % (learned from ${p.probability.n} closed deals)`,
        );
      if (p.cycleDays)
        expect(s.text).toContain(`typical days in stage ${p.cycleDays.from} → ${p.cycleDays.to}`);
    }
    expect(r.actions!.filter((a) => a.label.startsWith("Approve"))).toHaveLength(expected.length);
  });

  it("asking twice creates no duplicate proposals (one pending per stage)", async () => {
    const a = meta(await run("calibration")).proposals;
    const b = meta(await run("calibrate")).proposals;
    expect(b).toEqual(a);
    const rows = await d.db.tenantTx(demo, (tx) =>
      tx.select().from(proposalsTable).where(eq(proposalsTable.status, "pending")),
    );
    expect(rows).toHaveLength(a.length);
  });

  it.each([
    ["manager@demo.example", "manager"],
    ["finance@demo.example", "finance"],
    ["sam@demo.example", "rep"],
    ["viewer@demo.example", "viewer"],
  ])("%s (%s) is refused the card and the decision", async (email, role) => {
    const card = await run("calibration", email);
    expect(card.text).toBe(
      `Only the owner changes stage settings; your role (${role}) cannot review learned ones.`,
    );
    expect(card.actions ?? []).toHaveLength(0);
    const before = await history();
    const dec = await run({ kind: "calibration.decide", proposalRef: "1", decision: "approve" }, email);
    expect(dec.text).toContain(`your role (${role}) cannot approve or reject them`);
    expect(await history()).toHaveLength(before.length);
  });

  it("Approve applies the change to the stage and records it in the stage's history, exactly once", async () => {
    const card = await run("calibration");
    const first = meta(card).proposals[0];
    const approve = card.actions!.find((a) => a.id === `cal-approve-${first.seq}`)!;
    const before = await stageRow(first.stageId);
    // A double click: two approvals at once.
    const [a, b] = await Promise.all([run(approve.intent), run(approve.intent)]);
    const texts = [a.text, b.text].sort();
    expect(texts.filter((t) => t.startsWith(`Approved #${first.seq}`))).toHaveLength(1);
    expect(texts.filter((t) => t.includes("is already approved by Olivia Owens"))).toHaveLength(1);
    const after = await stageRow(first.stageId);
    const rows = (await history()).filter((h) => h.stageId === first.stageId);
    const fields = Object.keys(first.changes).length;
    expect(rows).toHaveLength(fields);
    if (first.changes.probability) {
      expect(after.probability).toBeCloseTo(first.changes.probability.to, 3);
      const h = rows.find((x) => x.field === "probability")!;
      expect([h.fromValue, h.toValue]).toEqual([before.probability, first.changes.probability.to]);
    }
    if (first.changes.cycleDays) expect(after.cycleDays).toBe(first.changes.cycleDays.to);
    const owner = await actorByEmail(d.db, demo, "owner@demo.example");
    expect(
      rows.every((x) => x.changedBy === owner.userId && x.reason.startsWith(`calibration #${first.seq}`)),
    ).toBe(true);
    expect([a, b].find((x) => x.text.startsWith("Approved"))!.outcome).toEqual({
      kind: "decided",
      decision: "approved",
      by: "Olivia Owens",
    });
  });

  it("Reject dismisses without touching the stage, and the same value is not proposed again", async () => {
    const card = await run("calibration");
    const p = meta(card).proposals[0];
    expect(p).toBeDefined();
    const before = await stageRow(p.stageId);
    const r = await run(`calibration reject ${p.seq}`);
    expect(r.text).toContain(`Rejected #${p.seq}`);
    expect(r.outcome).toMatchObject({ kind: "decided", decision: "rejected" });
    expect(await stageRow(p.stageId)).toEqual(before);
    const again = meta(await run("calibration"));
    expect((again.proposals ?? []).some((x: { stageId: string }) => x.stageId === p.stageId)).toBe(false);
    const twice = await run(`calibration approve ${p.seq}`);
    expect(twice.text).toContain(`is already rejected by Olivia Owens`);
  });

  it("a proposal whose stage was edited meanwhile is withdrawn, not applied over the edit", async () => {
    // Put a stage far from what its history says, so a proposal appears for it.
    const card0 = await run("calibration");
    const stage = (await d.db.tenantTx(demo, (tx) => tx.select().from(stages))).find(
      (s) => s.name === "Qualified",
    )!;
    await d.db.tenantTx(demo, (tx) =>
      tx.update(stages).set({ probability: 0.9 }).where(eq(stages.id, stage.id)),
    );
    const card = await run("calibration");
    const p = meta(card).proposals.find((x: { stageId: string }) => x.stageId === stage.id);
    expect(p, JSON.stringify(meta(card0))).toBeDefined();
    await d.db.tenantTx(demo, (tx) =>
      tx.update(stages).set({ probability: 0.85 }).where(eq(stages.id, stage.id)),
    );
    const r = await run(`calibration approve ${p.seq}`);
    expect(r.text).toContain(`Qualified's settings changed since proposal #${p.seq} was made`);
    expect((await stageRow(stage.id)).probability).toBeCloseTo(0.85, 3);
  });

  it("bad numbers and typos get a clear answer", async () => {
    expect((await run("calibration approve 999")).text).toBe(
      "No stage-setting proposal #999; `calibration` lists the pending ones.",
    );
    expect(
      (await run({ kind: "calibration.decide", proposalRef: "abc", decision: "approve" })).text,
    ).toContain('"abc" is not a proposal number');
    expect((await run("calibration approve")).text).toContain("Usage: calibration");
    expect(parseText("calibraton")).toMatchObject({ kind: "unknown", suggestion: "calibration" });
  });
});
