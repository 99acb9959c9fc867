import { type CashflowDeal, makeRules, type StageRule } from "../../../src/core/features/cashflow/index.js";
import type { LlmClient, LlmRequest } from "../../../src/core/ports/llm.js";

/** 2025-03-10 is a Monday. */
export const TODAY = new Date("2025-03-10T09:00:00Z");
const DAY = 86_400_000;

const stage = (
  position: number,
  name: string,
  probability: number,
  cycleDays: number,
  flags: Partial<StageRule> = {},
): StageRule => ({
  id: `s${position}`,
  pipelineId: "p1",
  name,
  position,
  probability,
  cycleDays,
  isInvoiced: false,
  isWon: false,
  isLost: false,
  ...flags,
});

/** The demo pipeline's shape: the default cycle times the issue names. */
export const STAGES: StageRule[] = [
  stage(1, "Lead", 0.1, 14),
  stage(2, "Qualified", 0.25, 14),
  stage(3, "Proposal Sent", 0.4, 21),
  stage(4, "Negotiation", 0.6, 14),
  stage(5, "Order Received", 0.8, 10),
  stage(6, "Production/Supplying", 0.85, 45),
  stage(7, "Under Progress", 0.9, 22),
  stage(8, "Awaiting GR", 0.95, 5),
  stage(9, "Invoiced", 1, 0, { isInvoiced: true }),
  stage(10, "Won", 1, 0, { isWon: true }),
  stage(11, "Lost", 0, 0, { isLost: true }),
];

export const RULES = makeRules(STAGES);

export function deal(stageName: string, daysInStage: number, over: Partial<CashflowDeal> = {}): CashflowDeal {
  const s = STAGES.find((x) => x.name === stageName);
  if (!s) throw new Error(`no stage ${stageName}`);
  return {
    id: over.id ?? `${stageName}-${daysInStage}`,
    name: over.name ?? `${stageName} deal`,
    valueMinor: 1_000_000,
    currency: "USD",
    stageId: s.id,
    stageName: s.name,
    stageEnteredAt: new Date(TODAY.getTime() - daysInStage * DAY),
    paymentTermsDays: 30,
    probability: s.probability,
    ...over,
  };
}

/** A scripted model: answers from the queue in order (an Error entry is thrown), records every request. */
export function scriptedLlm(answers: (unknown | Error)[]): LlmClient & { requests: LlmRequest[] } {
  const requests: LlmRequest[] = [];
  const meta = {
    provider: "fake",
    model: "scripted",
    route: "test",
    routeReason: "test",
    tokensIn: 1,
    tokensOut: 1,
    costMicros: 0,
    cacheHit: false,
    latencyMs: 0,
  };
  return {
    requests,
    hasModel: () => true,
    health: async () => ({ fake: "ok" }),
    chat: async () => {
      throw new Error("not scripted");
    },
    stream: () => {
      throw new Error("not scripted");
    },
    async structured(schema, req) {
      requests.push(req);
      const next = answers.shift();
      if (next instanceof Error) throw next;
      return { value: schema.parse(next), meta };
    },
  };
}
