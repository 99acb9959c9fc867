import { z } from "zod";

const qty = z.number().finite().nonnegative();

export const inventoryProductSchema = z.object({
  sku: z.string().min(1),
  name: z.string().min(1).optional(),
  /** Units demanded per period: one number (same every period) or one per period. */
  demand: z.union([qty, z.array(qty).min(1)]),
  /** Purchase cost per unit. */
  unitCost: qty,
  /** Cost per unit still in stock at the end of a period. */
  holdingCost: qty,
  /** Cost per unit of demand that cannot be served (lost margin, goodwill). */
  stockoutCost: qty,
  /** Warehouse space per unit, in the warehouse's unit (e.g. m³). */
  volume: qty,
  onHand: qty.default(0),
  /** Most units that can be ordered per period (supplier limit). */
  maxOrder: qty.optional(),
  /** Share of demand that must be served, 0–1 (default 0: stockouts allowed at their cost). */
  minServiceLevel: z.number().min(0).max(1).default(0),
});

export const inventoryInputSchema = z
  .object({
    currency: z.string().length(3).default("USD"),
    /** Number of planning periods (e.g. weeks); demand arrays must have this length. */
    periods: z.number().int().min(1).max(52).default(1),
    warehouse: z.object({ capacity: z.number().finite().positive(), unit: z.string().min(1).default("m³") }),
    /** Total purchase budget over all periods. */
    budget: qty,
    products: z.array(inventoryProductSchema).min(1).max(5000),
  })
  .superRefine((input, ctx) => {
    input.products.forEach((p, i) => {
      if (Array.isArray(p.demand) && p.demand.length !== input.periods) {
        ctx.addIssue({
          code: "custom",
          path: ["products", i, "demand"],
          message: `has ${p.demand.length} values but periods is ${input.periods}`,
        });
      }
    });
  });

export type InventoryInput = z.input<typeof inventoryInputSchema>;
export type InventoryData = z.output<typeof inventoryInputSchema>;

export interface InventoryOrderLine {
  sku: string;
  name: string;
  period: number;
  order: number;
  endingStock: number;
  unmetDemand: number;
}

export interface InventoryPlan {
  lines: InventoryOrderLine[];
  purchaseCost: number;
  holdingCost: number;
  stockoutCost: number;
  budgetUsed: number;
  /** Space used after deliveries, per period. */
  capacityUsed: number[];
  warehouseUnit: string;
}
