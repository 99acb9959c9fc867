/**
 * A deterministic mix of SMB owner questions for the router benchmark: simple look-ups, moderate
 * "what should I do" questions, complex multi-step analyses, sensitive ones (payroll, bank, personal
 * data), and repeats of popular questions (what a team asks every morning).
 */
export type Kind = "simple" | "moderate" | "complex" | "sensitive";

export interface Question {
  text: string;
  kind: Kind;
  repeat: boolean;
  tenant: number;
  user: number;
}

const COMPANIES = [
  "Acme",
  "Globex",
  "Initech",
  "Umbrella",
  "Hooli",
  "Stark",
  "Wayne",
  "Wonka",
  "Soylent",
  "Tyrell",
  "Cyberdyne",
  "Vandelay",
];
const PEOPLE = ["Ann", "Bob", "Carla", "Dev", "Elif", "Femi", "Greta", "Hiro"];
const PERIODS = ["this week", "this month", "next month", "this quarter", "before the holidays", "by Friday"];

const SIMPLE = [
  "How is my business doing?",
  "What's my open pipeline?",
  "How much is overdue?",
  "How many deals are stuck?",
  "What did we collect {period}?",
  "What was revenue in the last 30 days?",
  "Any overdue invoices?",
  "What's the status of the {co} deal?",
  "How many open deals do we have?",
  "Who owes us money?",
  "What's in the proposal stage?",
  "How much cash came in {period}?",
  "Did {co} pay yet?",
  "When is the {co} invoice due?",
  "Who owns the {co} deal?",
  "What stage is {co} in?",
  "How big is the {co} deal?",
  "What's the next step with {co}?",
];

const MODERATE = [
  "Which deals should I focus on {period} to close more revenue, and what should I say to {co}?",
  "Should we offer {co} a discount given their deal has been stuck in proposal for weeks?",
  "How can we improve collection of the overdue invoices from {co} and {co2}?",
  "What should I prioritise {period}: chasing {co}'s invoice or pushing the {co2} deal?",
  "Given our pipeline, should we hire another rep or invest in marketing?",
  "Why is the {co} deal stuck, and what is the best way to move it forward?",
  "How do we increase revenue {period} without hurting margins, given what's in the pipeline?",
  "Explain what changed in the pipeline {period} and what I should do about it.",
];

const COMPLEX = [
  "Compare the {co} and {co2} deals, explain why our revenue fell versus last month, then recommend which to prioritise and what trade-offs that implies for cash {period}. Also list the first three steps.",
  "Analyse our pipeline by stage, explain the impact of the {co} and {co2} delays on cash, then draft a plan for {period} with priorities, risks and what-if scenarios if {co3} slips 30 days.",
  "First break down overdue invoices by customer, then compare collection performance versus last quarter, explain the root cause of the decline, and recommend a strategy with pros and cons for {co} and {co2}.",
  "We want to grow 20% next quarter: analyse whether the pipeline supports it, compare options (more reps vs marketing vs discounts for {co}), explain trade-offs, and recommend a step by step plan.",
];

const SENSITIVE = [
  "What is our total payroll for March and can we afford a raise for {p}?",
  "Update the bank details for {co}: IBAN DE89 3704 0044 0532 0130 00.",
  "Is {p}'s salary above market for a sales rep?",
  "Which account number did {co} pay from last month?",
  "{p} is on sick leave, how does that affect the {co} deal?",
  "Compare wages across the team and explain whether bonuses for {p} and {p2} are justified given the pipeline.",
];

/** mulberry32: tiny seeded PRNG so the mix is identical on every run. */
function prng(seed: number) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function generateQuestions(n = 1200, seed = 42): Question[] {
  const rnd = prng(seed);
  const pick = <T>(xs: T[]): T => xs[Math.floor(rnd() * xs.length)] as T;
  const fill = (t: string) => {
    const cos = [...COMPANIES].sort(() => rnd() - 0.5);
    const ps = [...PEOPLE].sort(() => rnd() - 0.5);
    return t
      .replace("{co}", cos[0] as string)
      .replace("{co2}", cos[1] as string)
      .replace("{co3}", cos[2] as string)
      .replace("{p}", ps[0] as string)
      .replace("{p2}", ps[1] as string)
      .replace("{period}", pick(PERIODS));
  };
  const out: Question[] = [];
  for (let i = 0; i < n; i++) {
    const tenant = Math.floor(rnd() * 3);
    const user = Math.floor(rnd() * 4);
    const r = rnd();
    // ~25 % re-ask a popular question somebody in the same company asked before.
    if (r < 0.25 && out.length > 20) {
      const earlier = out.filter(
        (q) => q.tenant === tenant && (q.kind === "simple" || q.kind === "moderate"),
      );
      const popular = earlier.slice(0, 15);
      if (popular.length) {
        const q = pick(popular);
        out.push({ ...q, user, repeat: true });
        continue;
      }
    }
    const k = rnd();
    const kind: Kind = k < 0.5 ? "simple" : k < 0.8 ? "moderate" : k < 0.92 ? "complex" : "sensitive";
    const pool = { simple: SIMPLE, moderate: MODERATE, complex: COMPLEX, sensitive: SENSITIVE }[kind];
    out.push({ text: fill(pick(pool)), kind, repeat: false, tenant, user });
  }
  return out;
}
