import { PIPELINE_TEMPLATES, type StageSpec } from "../core/features/company/index.js";
import { addDays, DAY_MS, isoDate } from "../core/kernel/format.js";
import { mulberry32, pick, type Rng, randInt, randNormal } from "./random.js";

/**
 * The demo company, generated deterministically from a seed relative to "today": a B2B distributor
 * with a sales pipeline (some deals stuck), 20 months of invoices with realistic payment delays,
 * users in every role. Outside checks rely on the deal "Acme Logistics" (stuck) and the user
 * owner@demo.example (owner).
 */
export type DemoStage = StageSpec;

/** The demo runs the B2B template every new company can start from (`keel setup --pipeline b2b-sales`). */
export const DEMO_STAGES: DemoStage[] = PIPELINE_TEMPLATES["b2b-sales"]!.stages;

export interface DemoUser {
  key: string;
  name: string;
  email: string;
  role: "owner" | "manager" | "rep" | "finance" | "viewer";
  identities: { channel: string; externalId: string }[];
}

export const DEMO_USERS: DemoUser[] = [
  {
    key: "owner",
    name: "Olivia Owens",
    email: "owner@demo.example",
    role: "owner",
    identities: [
      { channel: "slack", externalId: "U0OWNER" },
      { channel: "whatsapp", externalId: "+15550000001" },
    ],
  },
  {
    key: "manager",
    name: "Marco Ruiz",
    email: "manager@demo.example",
    role: "manager",
    identities: [
      { channel: "slack", externalId: "U0MANAGER" },
      { channel: "whatsapp", externalId: "+15550000002" },
    ],
  },
  {
    key: "sam",
    name: "Sam Rivera",
    email: "sam@demo.example",
    role: "rep",
    identities: [
      { channel: "slack", externalId: "U0REP1" },
      { channel: "whatsapp", externalId: "+15550000003" },
    ],
  },
  {
    key: "lina",
    name: "Lina Chen",
    email: "lina@demo.example",
    role: "rep",
    identities: [{ channel: "slack", externalId: "U0REP2" }],
  },
  {
    key: "finance",
    name: "Farah Haddad",
    email: "finance@demo.example",
    role: "finance",
    identities: [{ channel: "slack", externalId: "U0FINANCE" }],
  },
  {
    key: "viewer",
    name: "Victor Lund",
    email: "viewer@demo.example",
    role: "viewer",
    identities: [{ channel: "slack", externalId: "U0VIEWER" }],
  },
];

const COMPANIES = [
  "Bluewater Foods",
  "Cedar Health Clinics",
  "Delta Marine Services",
  "Evergreen Schools",
  "Falcon Aviation Parts",
  "Granite Construction",
  "Harborview Hotels",
  "Ironclad Security",
  "Juniper Labs",
  "Keystone Retail Group",
  "Lakeside Dairy",
  "Metro Transit Authority",
  "Northgate Pharma",
  "Orchid Events",
  "Pioneer Mining",
  "Quarry Stone Works",
  "Riverside Hospital",
  "Summit Outdoor Gear",
  "Titan Steel",
  "Union Water Utility",
  "Vertex Data Centers",
  "Westfield Farms",
  "Yellowstone Logistics",
  "Zenith Telecom",
  "Apex Packaging",
  "Brightline Energy",
  "Coastal Breweries",
  "Dune Solar",
  "Elm Street Bakery",
  "Fjord Seafood",
  "Golden Gate Printing",
  "Highland Textiles",
  "Indigo Furniture",
  "Jetstream Couriers",
  "Kestrel Robotics",
  "Lumen Optics",
  "Maple Leaf Dental",
  "Nimbus Cloud Hosting",
  "Oakridge University",
  "Polar Cold Storage",
  "Redwood Timber",
  "Sapphire Jewelers",
  "Terra Landscaping",
  "Urban Fitness",
  "Vista Car Rentals",
];

const PRODUCTS = [
  "forklift fleet",
  "cold-chain sensors",
  "warehouse racking",
  "packaging line",
  "safety equipment",
  "spare parts contract",
  "pallet scanners",
  "service agreement",
];
const NEXT_STEPS = [
  "send revised quote",
  "book site visit",
  "confirm delivery window",
  "chase purchase order",
  "schedule demo",
  "get sign-off from finance",
  "confirm technical specs",
  "arrange installation",
];
const NOTE_TEMPLATES = [
  "Call with {contact}: interested, wants pricing for {product}.",
  "{contact} asked for references from similar customers.",
  "Sent updated proposal; waiting on their procurement team.",
  "Procurement flagged budget freeze until next quarter.",
  "Site visit done, requirements clear. {contact} happy with timeline.",
  "No reply to last two emails — need to follow up.",
  "Competitor quoted 8 % lower; we emphasised service levels.",
  "Legal reviewing terms, expect feedback next week.",
];
const CONTACT_FIRST = [
  "Alex",
  "Jordan",
  "Taylor",
  "Morgan",
  "Casey",
  "Riley",
  "Jamie",
  "Avery",
  "Quinn",
  "Drew",
];
const CONTACT_LAST = [
  "Smith",
  "Patel",
  "García",
  "Müller",
  "Nguyen",
  "Johnson",
  "Kowalski",
  "Okoro",
  "Larsen",
  "Ito",
];

export interface DemoDeal {
  name: string;
  company: string;
  contact: { name: string; email: string; phone: string };
  ownerKey: string;
  valueMinor: number;
  stage: string;
  status: "open" | "won" | "lost";
  /** Stage history: stage name and when it was entered, oldest first; the last is the current stage. */
  history: { stage: string; enteredAt: Date }[];
  notes: { body: string; at: Date }[];
  nextStep: string;
  facts: Record<string, boolean>;
  paymentTermsDays: number;
  expectedCloseOn: string | null;
}

export interface DemoInvoice {
  number: string;
  customer: string;
  issuedOn: string;
  dueOn: string;
  amountMinor: number;
  status: "open" | "paid";
  payments: { paidOn: string; amountMinor: number }[];
  dealName?: string;
}

const OPEN_STAGES = DEMO_STAGES.filter((s) => !s.isWon && !s.isLost);

function dealHistory(
  rng: Rng,
  stageIndex: number,
  daysInCurrent: number,
  today: Date,
): { stage: string; enteredAt: Date }[] {
  const out: { stage: string; enteredAt: Date }[] = [];
  let t = today.getTime() - daysInCurrent * DAY_MS;
  out.unshift({ stage: DEMO_STAGES[stageIndex]!.name, enteredAt: new Date(t) });
  for (let i = stageIndex - 1; i >= 0; i--) {
    const s = DEMO_STAGES[i]!;
    t -= Math.max(2, Math.round(s.cycleDays * (0.6 + rng() * 0.9))) * DAY_MS;
    out.unshift({ stage: s.name, enteredAt: new Date(t) });
  }
  return out;
}

function contactFor(rng: Rng, company: string) {
  const name = `${pick(rng, CONTACT_FIRST)} ${pick(rng, CONTACT_LAST)}`;
  const domain = company.toLowerCase().replace(/[^a-z]+/g, "") + ".example";
  return {
    name,
    email: `${name.split(" ")[0]!.toLowerCase()}@${domain}`,
    phone: `+1555${String(randInt(rng, 1000000, 9999999))}`,
  };
}

function notesFor(rng: Rng, contact: string, product: string, from: Date, today: Date, n: number) {
  const span = Math.max(1, today.getTime() - from.getTime());
  return Array.from({ length: n }, (_, i) => ({
    body: pick(rng, NOTE_TEMPLATES)
      .replace("{contact}", contact.split(" ")[0]!)
      .replace("{product}", product),
    at: new Date(from.getTime() + (span * (i + 1)) / (n + 1)),
  }));
}

export function generateDemoDeals(seed: number, today: Date): DemoDeal[] {
  const rng = mulberry32(seed);
  const reps = ["sam", "sam", "lina", "lina", "manager"];
  const deals: DemoDeal[] = [];
  const make = (
    company: string,
    stageIndex: number,
    daysInCurrent: number,
    status: DemoDeal["status"],
    ownerKey: string,
    product: string,
  ): DemoDeal => {
    const stage = DEMO_STAGES[stageIndex]!;
    const contact = contactFor(rng, company);
    const history = dealHistory(rng, stageIndex, daysInCurrent, today);
    const facts: Record<string, boolean> = {};
    // Earlier stages' checklists are complete; the current stage's is partly done.
    for (const s of DEMO_STAGES.slice(0, stageIndex)) for (const c of s.checklist) facts[c] = true;
    for (const c of stage.checklist) if (rng() < 0.5) facts[c] = true;
    const valueMinor = Math.round(Math.exp(randNormal(rng, Math.log(38_000), 0.7)) / 100) * 100 * 100;
    return {
      name: `${company} — ${product}`,
      company,
      contact,
      ownerKey,
      valueMinor: Math.min(Math.max(valueMinor, 400_000), 45_000_000),
      stage: stage.name,
      status,
      history,
      notes: notesFor(rng, contact.name, product, history[0]!.enteredAt, today, randInt(rng, 1, 3)),
      nextStep: pick(rng, NEXT_STEPS),
      facts,
      paymentTermsDays: pick(rng, [30, 30, 37, 45, 60]),
      expectedCloseOn: status === "open" ? isoDate(addDays(today, randInt(rng, 10, 120))) : null,
    };
  };
  // The fixed stuck deal outside checks use.
  const acme = make("Acme Logistics", 4, 75, "open", "sam", "forklift fleet");
  acme.name = "Acme Logistics";
  acme.valueMinor = 4_125_000;
  acme.facts = { ...acme.facts, "end user identified": true };
  delete acme.facts["PO attached"];
  acme.nextStep = "chase purchase order";
  acme.notes.push({
    body: "Customer says PO is stuck in their approval workflow; no date yet.",
    at: addDays(today, -20),
  });
  deals.push(acme);
  const companies = COMPANIES.slice();
  for (let i = 0; i < 44; i++) {
    const company = companies[i % companies.length]!;
    const stageIndex = i % OPEN_STAGES.length;
    const stage = DEMO_STAGES[stageIndex]!;
    // About one in five open deals sits past its stuck threshold.
    const stuck = rng() < 0.2;
    const days = stuck
      ? stage.stuckAfterDays + randInt(rng, 5, 40)
      : randInt(rng, 1, Math.max(2, stage.stuckAfterDays - 1));
    deals.push(make(company, stageIndex, days, "open", pick(rng, reps), pick(rng, PRODUCTS)));
  }
  for (let i = 0; i < 24; i++) {
    const company = companies[(i * 7 + 3) % companies.length]!;
    const won = rng() < 0.6;
    const d = make(
      company,
      won ? DEMO_STAGES.findIndex((s) => s.isWon) : DEMO_STAGES.findIndex((s) => s.isLost),
      randInt(rng, 5, 400),
      won ? "won" : "lost",
      pick(rng, reps),
      pick(rng, PRODUCTS),
    );
    d.name = `${company} — ${pick(rng, PRODUCTS)} (${2024 + (i % 2)})`;
    deals.push(d);
  }
  // Lost deals drop out of the pipeline at some stage before it is invoiced (as in a real CRM), drawn
  // from a separate stream so every other generated value stays the same.
  const drop = mulberry32(seed + 7);
  const lastBeforeInvoice = OPEN_STAGES.findIndex((s) => s.isInvoiced);
  for (const d of deals) {
    if (d.status !== "lost") continue;
    const k = Math.floor(drop() * (lastBeforeInvoice > 0 ? lastBeforeInvoice : OPEN_STAGES.length));
    const lost = d.history[d.history.length - 1]!;
    d.history = [...d.history.slice(0, k + 1), lost];
  }
  // Unique names: a company may carry two deals for the same product.
  const seen = new Map<string, number>();
  for (const d of deals) {
    const n = (seen.get(d.name) ?? 0) + 1;
    seen.set(d.name, n);
    if (n > 1) d.name = `${d.name} #${n}`;
  }
  return deals;
}

/** 20 months of invoices; most paid 0–20 days late, some much later or in part; a few open and overdue. */
export function generateDemoInvoices(seed: number, today: Date, customers: string[]): DemoInvoice[] {
  const rng = mulberry32(seed + 1);
  const out: DemoInvoice[] = [];
  const start = addDays(today, -610);
  let n = 1000;
  for (let t = start.getTime(); t < today.getTime(); t += DAY_MS) {
    const day = new Date(t);
    if (day.getUTCDay() === 0 || day.getUTCDay() === 6) continue;
    // About 3 invoices a week, more in autumn.
    const autumn = [8, 9, 10].includes(day.getUTCMonth()) ? 0.25 : 0;
    if (rng() > 0.55 + autumn) continue;
    const terms = pick(rng, [30, 30, 30, 45, 60]);
    const amountMinor = Math.round(Math.exp(randNormal(rng, Math.log(9_000), 0.6))) * 100;
    const issuedOn = isoDate(day);
    const due = addDays(day, terms);
    const customer = pick(rng, customers);
    const r = rng();
    // A few recent invoices are never paid (yet); older ones were all paid eventually.
    const recent = today.getTime() - due.getTime() < 150 * DAY_MS;
    const delay =
      r < 0.55
        ? randInt(rng, -5, 10)
        : r < 0.85
          ? randInt(rng, 11, 35)
          : r < 0.96 || !recent
            ? randInt(rng, 36, 90)
            : 9999;
    const paidOn = addDays(due, delay);
    const inv: DemoInvoice = {
      number: `INV-${n++}`,
      customer,
      issuedOn,
      dueOn: isoDate(due),
      amountMinor,
      status: "open",
      payments: [],
    };
    if (delay !== 9999 && paidOn.getTime() < today.getTime()) {
      if (rng() < 0.07 && paidOn.getTime() + 20 * DAY_MS < today.getTime()) {
        // Paid in two instalments.
        const first = Math.round(amountMinor * 0.5);
        inv.payments.push(
          { paidOn: isoDate(paidOn), amountMinor: first },
          { paidOn: isoDate(addDays(paidOn, 20)), amountMinor: amountMinor - first },
        );
      } else inv.payments.push({ paidOn: isoDate(paidOn), amountMinor });
      inv.status = "paid";
    }
    out.push(inv);
  }
  return out;
}

/** The second demo tenant: small, separate users and deals, so isolation is visible. */
export const DEMO_B = {
  slug: "demo-b",
  name: "Harbor Bakery",
  users: [
    {
      key: "owner",
      name: "Hana Baker",
      email: "owner@harbor.example",
      role: "owner" as const,
      identities: [{ channel: "slack", externalId: "U0HARBOR" }],
    },
  ],
  deals: [
    { name: "Seaside Café weekly bread", company: "Seaside Café", valueMinor: 480_000, stage: "Negotiation" },
    {
      name: "Marina Hotel breakfast pastries",
      company: "Marina Hotel",
      valueMinor: 1_250_000,
      stage: "Proposal Sent",
    },
    {
      name: "Lighthouse School catering",
      company: "Lighthouse School",
      valueMinor: 2_100_000,
      stage: "Qualified",
    },
  ],
};
