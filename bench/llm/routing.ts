/**
 * Routing benchmark (issue 16): the labelled set in test/support/routing-corpus.ts through the
 * real router with the shipped thresholds. Reports agreement with the labelled route on the tuning
 * and held-out sets, sensitive questions that would reach a cloud provider (goal 0), complex
 * questions reaching the large tier, and the classifier's cost per question.
 *
 *   npm run bench:llm-routing      → bench/results/llm-routing.md
 *
 * History: the held-out set's first measurement (before any change made after writing it) was 27 of
 * 29 (93.1 %) with 2 sensitive questions missed ("holiday pay … each employee", "getting divorced");
 * both categories were then added to the classifier.
 */
import { writeFileSync } from "node:fs";
import { loadConfig } from "../../src/config.js";
import { decideRoute, type RouterSettings } from "../../src/core/infra/llm/index.js";
import {
  expectedRoute,
  HELD_OUT,
  type Labelled,
  ROUTING_CORPUS,
  SENSITIVE_REPHRASED,
} from "../../test/support/routing-corpus.js";

const cfg = loadConfig({});
const settings: RouterSettings = {
  localMax: cfg.llm.LLM_ROUTE_LOCAL_MAX,
  largeMin: cfg.llm.LLM_ROUTE_LARGE_MIN,
  downgradeAt: 0.9,
  hasOpenAi: true,
  hasOllama: true,
  models: { small: "gpt-4o-mini", large: "gpt-4o", local: "llama3.1:8b", offline: "rules-v1" },
};

function measure(name: string, xs: Labelled[]) {
  let agree = 0;
  let leaks = 0;
  let falsePositives = 0;
  const misses: string[] = [];
  for (const l of xs) {
    const d = decideRoute(
      { text: l.q, sensitiveText: l.data ?? "", tier: "small", budgetShare: 0, rateLimited: false },
      settings,
    );
    if (d.route === expectedRoute(l)) agree++;
    else
      misses.push(
        `want ${expectedRoute(l)}, got ${d.route} (complexity ${d.complexity}): ${l.q.slice(0, 100)}`,
      );
    if (l.sensitive && d.cloudAllowed) leaks++;
    if (!l.sensitive && !d.cloudAllowed) falsePositives++;
  }
  const complex = xs.filter((l) => !l.sensitive && l.level === "complex");
  const large = complex.filter(
    (l) =>
      decideRoute({ text: l.q, tier: "small", budgetShare: 0, rateLimited: false }, settings).route ===
      "large",
  ).length;
  return {
    name,
    n: xs.length,
    sensitive: xs.filter((l) => l.sensitive).length,
    agree,
    pct: (100 * agree) / xs.length,
    leaks,
    falsePositives,
    complex: complex.length,
    large,
    misses,
  };
}

const sets = [
  measure("tuning set (hand-written)", ROUTING_CORPUS),
  measure("sensitive rephrasings (3 per sensitive question)", SENSITIVE_REPHRASED),
  measure("held-out set", HELD_OUT),
];
const all = [...ROUTING_CORPUS, ...SENSITIVE_REPHRASED, ...HELD_OUT];
const t0 = performance.now();
const reps = 20;
for (let i = 0; i < reps; i++)
  for (const l of all)
    decideRoute(
      { text: l.q, sensitiveText: l.data ?? "", tier: "small", budgetShare: 0, rateLimited: false },
      settings,
    );
const usPer = ((performance.now() - t0) * 1000) / (reps * all.length);

const lines = [
  "# Routing benchmark (`npm run bench:llm-routing`)",
  "",
  `Run ${new Date().toISOString()} · thresholds local < ${settings.localMax}, large ≥ ${settings.largeMin} · both providers configured.`,
  "",
  "| set | questions | sensitive | route agrees | sensitive → cloud | ordinary flagged | complex → large |",
  "|---|---|---|---|---|---|---|",
  ...sets.map(
    (s) =>
      `| ${s.name} | ${s.n} | ${s.sensitive} | ${s.agree} (${s.pct.toFixed(1)} %) | ${s.leaks} | ${s.falsePositives} | ${s.large} of ${s.complex} |`,
  ),
  "",
  `Classifier + router: ${usPer.toFixed(1)} µs per question (${all.length} questions × ${reps}).`,
  "",
  "The held-out set's first measurement, before the changes it prompted: 27 of 29 (93.1 %), 2 sensitive",
  "questions missed (holiday pay per employee; an employee's divorce).",
  "",
  ...sets.flatMap((s) =>
    s.misses.length ? [`Misses in ${s.name}:`, ...s.misses.map((m) => `- ${m}`), ""] : [],
  ),
];
writeFileSync("bench/results/llm-routing.md", `${lines.join("\n")}\n`);
console.log(lines.join("\n"));
