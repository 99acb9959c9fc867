import type { Result } from "../../kernel/errors.js";
import { clean, money, num } from "./format.js";
import {
  type InventoryData,
  type InventoryOrderLine,
  type InventoryPlan,
  inventoryInputSchema,
} from "./inventory-schema.js";
import { ModelBuilder } from "./model.js";
import { type OptimizeResult, type RunSpec, runProblem } from "./result.js";
import type { OptimizeFailure } from "./solve.js";
import type { SolveOptions } from "./solver-types.js";
import { parseInput } from "./validate.js";

function demandOf(p: InventoryData["products"][number], t: number): number {
  return Array.isArray(p.demand) ? (p.demand[t] ?? 0) : p.demand;
}

/** Builds the inventory LP: order, end stock and unmet demand per product and period. */
export function buildInventoryModel(data: InventoryData): RunSpec<InventoryPlan> {
  const b = new ModelBuilder("inventory", "min");
  const T = data.periods;
  const unit = data.warehouse.unit;
  const cur = data.currency;
  const idx = data.products.map((p, i) =>
    Array.from({ length: T }, (_, t) => ({
      q: b.addVar(`q_${i}_${t}`, {
        cost: p.unitCost,
        ...(p.maxOrder !== undefined ? { ub: p.maxOrder } : {}),
      }),
      stock: b.addVar(`s_${i}_${t}`, { cost: p.holdingCost }),
      short: b.addVar(`u_${i}_${t}`, { cost: p.stockoutCost, ub: demandOf(p, t) }),
    })),
  );
  const period = (t: number) => (T > 1 ? ` in period ${t + 1}` : "");

  data.products.forEach((p, i) => {
    const label = p.name ?? p.sku;
    for (let t = 0; t < T; t++) {
      const v = idx[i]?.[t];
      if (!v) continue;
      const prev = t > 0 ? idx[i]?.[t - 1] : undefined;
      // Stock flow: previous stock + order + unmet demand − demand = ending stock.
      const terms = [
        { v: v.q, coef: 1 },
        { v: v.short, coef: 1 },
        { v: v.stock, coef: -1 },
      ];
      if (prev) terms.push({ v: prev.stock, coef: 1 });
      const rhs = demandOf(p, t) - (t === 0 ? p.onHand : 0);
      b.addConstraint(`flow_${i}_${t}`, terms, { lb: rhs, ub: rhs });
      if (p.minServiceLevel > 0) {
        const allowed = (1 - p.minServiceLevel) * demandOf(p, t);
        const required = demandOf(p, t) - allowed;
        b.addConstraint(
          `service_${i}_${t}`,
          [{ v: v.short, coef: 1 }],
          { ub: allowed },
          {
            label: `${label}${period(t)}`,
            requirement: {
              describeShortfall: (a) =>
                `${label}${period(t)} must serve ${num(required)} units (${Math.round(p.minServiceLevel * 100)} % of demand); within the budget and warehouse space only ${num(Math.max(0, required - a))} can be served.`,
            },
          },
        );
      }
    }
  });

  for (let t = 0; t < T; t++) {
    const terms: { v: number; coef: number }[] = [];
    let fixed = 0;
    data.products.forEach((p, i) => {
      const v = idx[i]?.[t];
      if (!v || p.volume === 0) return;
      terms.push({ v: v.q, coef: p.volume });
      const prev = t > 0 ? idx[i]?.[t - 1] : undefined;
      if (prev) terms.push({ v: prev.stock, coef: p.volume });
      else fixed += p.volume * p.onHand;
    });
    b.addConstraint(
      `capacity_${t}`,
      terms,
      { ub: data.warehouse.capacity - fixed },
      {
        label: `the warehouse capacity${period(t)}`,
        unit,
        explain: true,
        describeShadow: (gain) =>
          `The warehouse capacity${period(t)} is binding: one more ${unit} would ${gain >= 0 ? "save" : "cost"} ${money(Math.abs(gain), cur)}.`,
      },
    );
  }

  const budgetTerms = data.products.flatMap((p, i) =>
    (idx[i] ?? []).map((v) => ({ v: v.q, coef: p.unitCost })),
  );
  b.addConstraint(
    "budget",
    budgetTerms,
    { ub: data.budget },
    {
      label: "the purchase budget",
      unit: cur,
      explain: true,
      describeShadow: (gain) =>
        `The purchase budget is binding: each extra ${money(1, cur)} would ${gain >= 0 ? "save" : "cost"} ${money(Math.abs(gain), cur)} in stockout and holding costs (${money(Math.abs(gain) * 1000, cur)} per ${money(1000, cur)}).`,
    },
  );

  return {
    problem: "inventory",
    model: b.build(),
    objectiveLabel: "total cost",
    currency: cur,
    preCheck: preCheckInventory(data),
    readPlan: (values) => readInventoryPlan(data, idx, values),
    summarize: (plan) => summarizeInventory(plan, data),
  };
}

/** Impossibilities visible by simple sums, stated in the user's terms. */
function preCheckInventory(data: InventoryData): string[] {
  let mustBuy = 0;
  for (const p of data.products) {
    let need = 0;
    for (let t = 0; t < data.periods; t++) need += p.minServiceLevel * demandOf(p, t);
    mustBuy += Math.max(0, need - p.onHand) * p.unitCost;
  }
  if (mustBuy > data.budget + 1e-9) {
    return [
      `Meeting the minimum service levels needs at least ${money(mustBuy, data.currency)} of purchases, but the budget is ${money(data.budget, data.currency)}.`,
    ];
  }
  return [];
}

function readInventoryPlan(
  data: InventoryData,
  idx: { q: number; stock: number; short: number }[][],
  values: number[],
): InventoryPlan {
  const lines: InventoryOrderLine[] = [];
  let purchaseCost = 0;
  let holdingCost = 0;
  let stockoutCost = 0;
  const capacityUsed = Array.from({ length: data.periods }, () => 0);
  data.products.forEach((p, i) => {
    for (let t = 0; t < data.periods; t++) {
      const v = idx[i]?.[t];
      if (!v) continue;
      const order = clean(values[v.q] ?? 0);
      const endingStock = clean(values[v.stock] ?? 0);
      const unmetDemand = clean(values[v.short] ?? 0);
      const prevStock = t > 0 ? clean(values[idx[i]?.[t - 1]?.stock ?? -1] ?? 0) : p.onHand;
      capacityUsed[t] = (capacityUsed[t] ?? 0) + p.volume * (prevStock + order);
      purchaseCost += order * p.unitCost;
      holdingCost += endingStock * p.holdingCost;
      stockoutCost += unmetDemand * p.stockoutCost;
      lines.push({ sku: p.sku, name: p.name ?? p.sku, period: t + 1, order, endingStock, unmetDemand });
    }
  });
  return {
    lines,
    purchaseCost: clean(purchaseCost, 2),
    holdingCost: clean(holdingCost, 2),
    stockoutCost: clean(stockoutCost, 2),
    budgetUsed: clean(purchaseCost, 2),
    capacityUsed: capacityUsed.map((c) => clean(c, 3)),
    warehouseUnit: data.warehouse.unit,
  };
}

function summarizeInventory(plan: InventoryPlan, data: InventoryData): string[] {
  const units = plan.lines.reduce((s, l) => s + l.order, 0);
  const ordered = new Set(plan.lines.filter((l) => l.order > 0).map((l) => l.sku)).size;
  const short = plan.lines.filter((l) => l.unmetDemand > 0);
  const out = [
    `Order ${num(units)} units of ${ordered} products for ${money(plan.purchaseCost, data.currency)} (budget ${money(data.budget, data.currency)}).`,
  ];
  if (short.length > 0) {
    const top = [...short].sort((a, b) => b.unmetDemand - a.unmetDemand).slice(0, 3);
    out.push(
      `${short.length} product-period(s) will run short, e.g. ${top.map((l) => `${l.name} (${num(l.unmetDemand)} units)`).join(", ")}.`,
    );
  } else {
    out.push("All demand is covered.");
  }
  return out;
}

/**
 * Plans order quantities per product (and period) minimising purchase, holding and stockout cost
 * under warehouse capacity and budget. Never throws; bad input and oversize come back as failures.
 */
export async function solveInventory(
  input: unknown,
  opts: SolveOptions = {},
): Promise<Result<OptimizeResult<InventoryPlan>, OptimizeFailure>> {
  const parsed = parseInput(inventoryInputSchema, input, "inventory");
  if (!parsed.ok) return parsed;
  return runProblem(() => buildInventoryModel(parsed.value), opts);
}
