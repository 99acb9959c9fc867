import { mkdirSync, writeFileSync } from "node:fs";
import { requireTenant } from "../../src/core/features/tenancy/index.js";
import { loadDemo } from "../../src/demo/load.js";
import { createTestDeps } from "../../test/support/deps.js";
import { startFakeOpenAi } from "../../test/support/fake-openai-server.js";
import { honestText, lie, phraser, roundedText } from "../../test/support/phrasing-model.js";
import { CASES } from "./cases.js";
import { HELDOUT } from "./heldout.js";
import { createKestrel } from "./kestrel.js";
import { runCase, type Verdict } from "./run-case.js";

/**
 * `bench:answers --model`: both question sets with a model configured. The model (a local server
 * speaking the OpenAI wire protocol, through the real client and gateway) leaves the query to the
 * rules (`{"kind":"none"}`) and phrases every computed answer — honestly, then as a liar that
 * changes the headline figure. A lie "reaches the user" when the invented figure is in the reply.
 */
const openai = await startFakeOpenAi();
let persona: "honest" | "rounding" | "liar" = "honest";
const invented: string[] = [];
openai.setDefault(
  phraser((r) => {
    if (persona === "honest") return honestText(r);
    if (persona === "rounding") return roundedText(r);
    const l = lie(r);
    invented.push(l.invented);
    return l.text;
  }),
);
const d = await createTestDeps({
  OPENAI_BASE_URL: openai.url,
  OPENAI_API_KEY: "sk-bench",
  LLM_CACHE_TTL_SECONDS: "0",
  LLM_STARTUP_PROBE: "false",
  LLM_TENANT_RATE_PER_MIN: "1000000",
  LLM_TENANT_MONTHLY_BUDGET_USD: "10000",
  LLM_USER_DAILY_BUDGET_USD: "10000",
});
await loadDemo(d);
const tenants = new Map([
  ["demo.example", (await requireTenant(d.db, "demo")).id],
  ["harbor.example", (await requireTenant(d.db, "demo-b")).id],
  ["kestrel.example", await createKestrel(d, d.clock.now())],
]);

const reasons = new Map<string, number>();
const examples: string[] = [];
type Case = { q: string; who: string; before?: string[]; expect: (typeof CASES)[number]["expect"] };

async function run(set: readonly Case[]) {
  const counts: Record<Verdict, number> = { correct: 0, wrong: 0, clarifying: 0, unanswered: 0 };
  const by = { model: 0, template: 0 };
  let liesShown = 0;
  let liesTold = 0;
  const ms: number[] = [];
  for (const c of set) {
    const from = invented.length;
    const r = await runCase(d, tenants.get(c.who.split("@")[1]!)!, c);
    counts[r.verdict]++;
    ms.push(r.ms);
    if (r.phrasedBy === "model") by.model++;
    if (r.phrasedBy === "template") by.template++;
    if (r.refused) {
      const k = `${persona}: ${r.refused}`;
      reasons.set(k, (reasons.get(k) ?? 0) + 1);
      if (persona !== "liar" && examples.length < 10) examples.push(`| ${c.who} | ${c.q} | ${r.refused} |`);
    }
    const told = invented.slice(from);
    liesTold += told.length;
    if (told.some((x) => r.text.includes(x))) liesShown++;
  }
  ms.sort((a, b) => a - b);
  const pct = (n: number) => `${((100 * n) / set.length).toFixed(1)} %`;
  const q = (p: number) => ms[Math.min(ms.length - 1, Math.floor(p * ms.length))]!.toFixed(0);
  return `| ${persona} | ${set.length} | ${pct(counts.correct)} | ${pct(counts.wrong)} | ${by.model} | ${by.template} | ${liesTold} | ${liesShown} | ${q(0.5)} ms | ${q(0.99)} ms |`;
}

const rows: string[] = [];
for (const p of ["honest", "rounding", "liar"] as const) {
  persona = p;
  rows.push(`${(await run(HELDOUT)).replace(/^\| (\w+) \|/, "| $1, held-out |")}`);
  rows.push(`${(await run(CASES)).replace(/^\| (\w+) \|/, "| $1, tuning |")}`);
}
await d.cleanup();
await openai.close();
const out = `# Answers benchmark with a model (phrasing)

Command: \`npm run bench:answers -- --model\` (this run: ${process.env.DATABASE_URL ? "Postgres" : "in-memory PGlite"}) —
both labelled sets through the real dispatcher, gateway and \`openai\` client against a local
OpenAI-compatible server. The model leaves the query to the rules and phrases every computed answer:
honestly (code's own display), honestly rounded as people write it in the asker's language ("$125.8k",
"125,8 mil $", "125,8 Tsd. $", "125.8 ألف $"), or as a liar that changes the headline figure (×1.07 + 1,234). "correct / wrong" grade the
computed figure (as offline); "phrased by model / template" is who worded the reply the user got;
"lies shown" counts replies that contain the liar's invented figure. Latency includes the model
server's round trips (no model think time).

| model | questions | correct | wrong | phrased by model | template | lies told | lies shown | p50 | p99 |
|---|---|---|---|---|---|---|---|---|---|
${rows.join("\n")}

Why the template wording was used: ${[...reasons].map(([k, n]) => `${k} ${n}`).join("; ") || "never"}.
${examples.length ? `\nHonest phrasings refused (first ${examples.length}):\n\n| who | question | reason |\n|---|---|---|\n${examples.join("\n")}\n` : ""}`;
mkdirSync("bench/results", { recursive: true });
writeFileSync("bench/results/answers-model.md", out);
console.log(out);
