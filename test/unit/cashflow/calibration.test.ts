import { describe, expect, it } from "vitest";
import {
  type CalibrationHistory,
  calibrate,
  calibrationProposals,
  describeCalibration,
  priorStrength,
} from "../../../src/core/features/cashflow/calibration.js";
import type { StageRule } from "../../../src/core/features/cashflow/types.js";
import { mulberry32 } from "../../../src/core/kernel/random.js";

const stage = (
  id: string,
  position: number,
  probability: number,
  cycleDays: number,
  extra: Partial<StageRule> = {},
): StageRule => ({
  id,
  pipelineId: "p",
  name: id,
  position,
  probability,
  cycleDays,
  isInvoiced: false,
  isWon: false,
  isLost: false,
  ...extra,
});
const STAGES = [
  stage("lead", 1, 0.1, 14),
  stage("proposal", 2, 0.4, 21),
  stage("negotiation", 3, 0.6, 14),
  stage("invoiced", 4, 1, 0, { isInvoiced: true }),
  stage("won", 5, 1, 0, { isWon: true }),
  stage("lost", 6, 0, 0, { isLost: true }),
];

/**
 * Generated history with planted truths: a deal at lead goes on with 50 %, at proposal with 60 %,
 * at negotiation with 80 % (so P(win | reached lead) = 0.24, proposal 0.48, negotiation 0.8);
 * stays last 10/30/20 days; customer "slow" pays 45 days late, everyone else 5.
 */
function generated(seed: number, deals: number): CalibrationHistory {
  const rng = mulberry32(seed);
  const go = { lead: 0.5, proposal: 0.6, negotiation: 0.8 } as const;
  const days = { lead: 10, proposal: 30, negotiation: 20 } as const;
  const h: CalibrationHistory = { closed: [], stays: [], paid: [] };
  for (let i = 0; i < deals; i++) {
    const path: string[] = [];
    let won = true;
    for (const s of ["lead", "proposal", "negotiation"] as const) {
      path.push(s);
      h.stays.push({ stageId: s, days: Math.round(days[s] * (0.7 + 0.6 * rng())) });
      if (rng() >= go[s]) {
        won = false;
        break;
      }
    }
    h.closed.push({
      dealId: `d${i}`,
      status: won ? "won" : "lost",
      ownerUserId: `o${i % 3}`,
      stageIds: path,
    });
  }
  for (let i = 0; i < 300; i++) {
    const slow = i % 5 === 0;
    h.paid.push({
      customer: slow ? "Slow Co" : `Cust ${i % 7}`,
      lateDays: (slow ? 45 : 5) + Math.round(4 * (rng() - 0.5)),
    });
  }
  return h;
}

describe("learned calibration", () => {
  it("recovers planted win rates per stage within tolerance from 2,000 closed deals", () => {
    const c = calibrate(generated(7, 2000), STAGES);
    const p = (id: string) => c.stages.find((s) => s.stageId === id)!.probability;
    expect(p("lead")).toBeCloseTo(0.24, 1);
    expect(Math.abs(p("lead") - 0.24)).toBeLessThan(0.03);
    expect(Math.abs(p("proposal") - 0.48)).toBeLessThan(0.04);
    expect(Math.abs(p("negotiation") - 0.8)).toBeLessThan(0.04);
    expect(c.stages.find((s) => s.stageId === "lead")!.source).toBe("history");
  });

  it("recovers planted cycle times and payment delays per customer", () => {
    const c = calibrate(generated(11, 2000), STAGES);
    const cyc = (id: string) => c.stages.find((s) => s.stageId === id)!.cycleDays;
    expect(Math.abs(cyc("lead") - 10)).toBeLessThanOrEqual(1);
    expect(Math.abs(cyc("proposal") - 30)).toBeLessThanOrEqual(1);
    expect(Math.abs(cyc("negotiation") - 20)).toBeLessThanOrEqual(1);
    const slow = c.delays.byCustomer.get("slow co")!;
    expect(slow.n).toBe(60);
    expect(Math.abs(slow.meanLateDays - 45)).toBeLessThan(1);
    // Shrunk a little toward the tenant's mean (~13 d), with the weight of 3 invoices against 60.
    expect(slow.shrunkMeanLateDays).toBeLessThan(slow.meanLateDays);
    expect(slow.shrunkMeanLateDays).toBeGreaterThan(42);
  });

  it("thin history barely moves the configured values and is reported as resting on them", () => {
    const c = calibrate(generated(3, 2), STAGES);
    const lead = c.stages.find((s) => s.stageId === "lead")!;
    expect(lead.source).toBe("configured");
    const raw = lead.won / lead.closed;
    expect(lead.closed).toBe(2);
    // Two deals weigh 2 against the prior's 10: the estimate stays nearer the configured 10 %.
    expect(Math.abs(lead.probability - 0.1)).toBeLessThan(Math.abs(raw - 0.1) / 2 + 1e-9);
    expect(calibrationProposals(c)).toEqual([]);
  });

  it("never learns a win rate for invoiced, won or lost stages", () => {
    const c = calibrate(generated(5, 500), STAGES);
    for (const id of ["invoiced", "won", "lost"])
      expect(c.stages.find((s) => s.stageId === id)!.probability).toBe(
        Math.min(0.999, Math.max(0.001, STAGES.find((s) => s.id === id)!.probability)),
      );
  });

  it("proposes stage settings that history contradicts, with sample sizes", () => {
    const props = calibrationProposals(calibrate(generated(7, 2000), STAGES));
    const lead = props.find((x) => x.stageId === "lead")!;
    expect(lead.probability).toMatchObject({ from: 0.1, n: 2000 });
    const proposal = props.find((x) => x.stageId === "proposal")!;
    expect(proposal.cycleDays).toMatchObject({ from: 21 });
    expect(proposal.cycleDays!.to).toBeGreaterThanOrEqual(29);
  });

  it("owners who win alike get no owner effect; a planted star gets one", () => {
    const h = generated(9, 900);
    expect(
      priorStrength(
        [
          { n: 100, k: 50 },
          { n: 100, k: 50 },
        ],
        0.5,
      ),
    ).toBe(200);
    // Make owner o0 win everything it closed.
    const star: CalibrationHistory = {
      ...h,
      closed: h.closed.map((d) => (d.ownerUserId === "o0" ? { ...d, status: "won" as const } : d)),
    };
    const c = calibrate(star, STAGES);
    expect(c.owners.get("o0")!.multiplier).toBeGreaterThan(1.5);
    expect(c.owners.get("o1")!.multiplier).toBeLessThan(1);
  });

  it("says what it learned, with the numbers it rests on", () => {
    const text = describeCalibration(calibrate(generated(7, 200), STAGES)).join("\n");
    expect(text).toMatch(/Win rates learned from 200 closed deals/);
    expect(text).toMatch(/Payment delays from 300 paid invoices/);
    expect(describeCalibration(calibrate({ closed: [], stays: [], paid: [] }, STAGES)).join("\n")).toMatch(
      /No closed deals yet/,
    );
  });
});
