import type { BudgetInput, InventoryInput, StaffingInput } from "../core/features/optimize/index.js";
import { mulberry32, pick, randInt } from "./random.js";

const WEEKDAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"] as const;
const FIRST = [
  "Ana",
  "Ben",
  "Chloé",
  "Dev",
  "Emma",
  "Farid",
  "Grace",
  "Hugo",
  "Ines",
  "Jonas",
  "Kai",
  "Lena",
  "Milo",
  "Nora",
  "Omar",
  "Priya",
];
const LAST = ["Silva", "Novak", "Okafor", "Berg", "Rossi", "Kim", "Haddad", "Lund", "Moreau", "Tanaka"];
const ROLES = ["barista", "barista", "cook", "cook", "supervisor"] as const;

function dayLabels(days: number): string[] {
  // Single week: "Mon".."Sun"; longer horizons number the weeks so labels stay unique.
  return Array.from({ length: days }, (_, d) =>
    days <= 7 ? (WEEKDAYS[d % 7] ?? "") : `${WEEKDAYS[d % 7]} w${Math.floor(d / 7) + 1}`,
  );
}

/**
 * Seeded staff-scheduling instance: employees with roles, hourly cost, availability and weekly
 * limits; demand per day × morning/evening/night. Defaults give the demo café (12 staff, 1 week);
 * the benchmark uses 30×7 and 60×14 with the same generator.
 */
export function generateStaffingDemo(
  opts: { seed?: number; employees?: number; days?: number } = {},
): StaffingInput {
  const rng = mulberry32(opts.seed ?? 7);
  const n = opts.employees ?? 12;
  const days = dayLabels(opts.days ?? 7);
  const shifts = ["morning", "evening", "night"];
  const employees = Array.from({ length: n }, (_, i) => {
    const unavailable: { day: string; shift?: string }[] = [];
    for (const day of days) {
      const r = rng();
      if (r < 0.1) unavailable.push({ day });
      else if (r < 0.2) unavailable.push({ day, shift: pick(rng, shifts) });
    }
    return {
      id: `e${i + 1}`,
      name: `${FIRST[i % FIRST.length]} ${LAST[(i * 7 + Math.floor(i / FIRST.length)) % LAST.length]}${i >= FIRST.length ? ` ${Math.floor(i / FIRST.length) + 1}` : ""}`,
      role: ROLES[i % ROLES.length] ?? "barista",
      hourlyCost: randInt(rng, 16, 30) + randInt(rng, 0, 3) * 0.25,
      maxShiftsPerWeek: randInt(rng, 3, 5),
      maxHoursPerWeek: 40,
      unavailable,
    };
  });
  // Roughly 80 % of the available shift capacity is needed: tight, but feasible.
  const share = { morning: 0.16, evening: 0.15, night: 0.08 } as const;
  const demand = days.flatMap((day, d) =>
    shifts.map((shift) => {
      const weekend = d % 7 >= 5 ? 1.15 : 1;
      const base = n * share[shift as keyof typeof share] * weekend * (0.85 + 0.3 * rng());
      return { day, shift, count: Math.max(1, Math.round(base)) };
    }),
  );
  return {
    currency: "USD",
    days,
    shifts: [
      { key: "morning", label: "Morning", hours: 8 },
      { key: "evening", label: "Evening", hours: 8 },
      { key: "night", label: "Night", hours: 8 },
    ],
    employees,
    demand,
  };
}

const PRODUCT_WORDS = [
  "Oat milk",
  "Espresso beans",
  "Paper cups",
  "Lids",
  "Croissants",
  "Bagels",
  "Syrup",
  "Tea",
  "Napkins",
  "Sugar",
  "Cocoa",
  "Straws",
  "Granola",
  "Juice",
  "Water",
  "Muffins",
  "Cookies",
  "Honey",
  "Lemons",
  "Mint",
  "Chai",
  "Decaf",
  "Matcha",
  "Almonds",
  "Yogurt",
];

/** Seeded inventory instance: products with demand, costs and volume; capacity and budget bind. */
export function generateInventoryDemo(
  opts: { seed?: number; products?: number; periods?: number } = {},
): InventoryInput {
  const rng = mulberry32(opts.seed ?? 11);
  const n = opts.products ?? 25;
  const periods = opts.periods ?? 1;
  let demandVolume = 0;
  let demandCost = 0;
  const products = Array.from({ length: n }, (_, i) => {
    const unitCost = Math.round((2 + rng() * 60) * 100) / 100;
    const volume = Math.round((0.005 + rng() * 0.05) * 1000) / 1000;
    const demand = Array.from({ length: periods }, () => randInt(rng, 20, 400));
    const total = demand.reduce((s, d) => s + d, 0);
    demandVolume += (total / periods) * volume;
    demandCost += total * unitCost;
    return {
      sku: `SKU-${String(i + 1).padStart(3, "0")}`,
      name: n <= PRODUCT_WORDS.length ? (PRODUCT_WORDS[i] ?? `Product ${i + 1}`) : `Product ${i + 1}`,
      demand: periods === 1 ? (demand[0] ?? 0) : demand,
      unitCost,
      holdingCost: Math.round(unitCost * (0.05 + rng() * 0.15) * 100) / 100,
      stockoutCost: Math.round(unitCost * (1.4 + rng() * 1.1) * 100) / 100,
      volume,
      onHand: randInt(rng, 0, 30),
    };
  });
  return {
    currency: "USD",
    periods,
    warehouse: { capacity: Math.round(demandVolume * 0.7 * 10) / 10, unit: "m³" },
    budget: Math.round(demandCost * 0.75),
    products,
  };
}

const CHANNELS = [
  "Google Ads",
  "Meta Ads",
  "LinkedIn",
  "Email",
  "Events",
  "TikTok",
  "Podcasts",
  "Affiliates",
];

/** Seeded marketing-budget instance: channels with concave piecewise-linear response curves. */
export function generateBudgetDemo(
  opts: { seed?: number; channels?: number; segments?: number } = {},
): BudgetInput {
  const rng = mulberry32(opts.seed ?? 5);
  const n = opts.channels ?? 5;
  const k = opts.segments ?? 4;
  let curveTotal = 0;
  const channels = Array.from({ length: n }, (_, i) => {
    let rate = 1.5 + rng() * 2.5;
    const decay = 0.55 + rng() * 0.25;
    const segments = Array.from({ length: k }, () => {
      const spend = randInt(rng, 10, 40) * 100;
      curveTotal += spend;
      const seg = { spend, returnPerUnit: Math.round(rate * 100) / 100 };
      rate *= decay;
      return seg;
    });
    const name = CHANNELS[i % CHANNELS.length] ?? `Channel ${i + 1}`;
    return {
      key: name.toLowerCase().replace(/\W+/g, "_") + (i >= CHANNELS.length ? `_${i + 1}` : ""),
      name: i >= CHANNELS.length ? `${name} ${i + 1}` : name,
      min: i === 0 ? 1000 : 0,
      ...(i === 1 ? { max: 5000 } : {}),
      segments,
    };
  });
  return {
    currency: "USD",
    totalBudget: Math.round((curveTotal * 0.5) / 100) * 100,
    objective: "return",
    channels,
  };
}
