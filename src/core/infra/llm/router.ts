import { complexity } from "./complexity.js";
import { detectSensitive } from "./sensitivity.js";
import type { ProviderName, Route, Tier } from "./types.js";

/**
 * The routing decision, a pure function of (text, prompt tier, thresholds, configured providers,
 * budget share, rate-limit state): the same input and state always give the same route.
 *
 * 1. Rate limited → offline.
 * 2. Sensitive data (payroll, bank, ids, personal data) → local only: Ollama, then offline.
 * 3. Budget share ≥ downgrade threshold (default 90 %) → local only.
 * 4. Otherwise the prompt's tier is the baseline and complexity shifts it one step:
 *    score < LLM_ROUTE_LOCAL_MAX → one tier down; score ≥ LLM_ROUTE_LARGE_MIN → one tier up.
 *    Tier `local` prompts (classification, history summaries) stay local.
 * 5. The route is then mapped onto the providers that exist; a missing one is skipped and said so.
 * Chains always end with offline. The circuit-breaker state is not an input: it affects which
 * link of the chain answers, not the decision.
 */
export interface RouterSettings {
  localMax: number;
  largeMin: number;
  downgradeAt: number;
  hasOpenAi: boolean;
  hasOllama: boolean;
  models: { small: string; large: string; local: string; offline: string };
}

export interface RouterInput {
  /** The user's own words: scored for complexity. */
  text: string;
  /** Everything the model would read that came from users or data (rendered prompt, history); defaults to `text`. */
  sensitiveText?: string;
  tier: Tier;
  /** max(tenant month, user day) spend share, reservations included. */
  budgetShare: number;
  rateLimited: boolean;
}

export interface ChainLink {
  provider: ProviderName;
  model: string;
  route: Route;
}

export interface RouteDecision {
  route: Route;
  reason: string;
  chain: ChainLink[];
  complexity: number;
  sensitive: string[];
  /** Whether a cloud provider may be used at all for this request. */
  cloudAllowed: boolean;
}

const ORDER: Tier[] = ["local", "small", "large"];

export function decideRoute(input: RouterInput, s: RouterSettings): RouteDecision {
  const c = complexity(input.text).score;
  const sens = detectSensitive(input.text, input.sensitiveText ?? "").categories;
  const offline: ChainLink = { provider: "offline", model: s.models.offline, route: "offline" };
  const local: ChainLink = { provider: "ollama", model: s.models.local, route: "local" };
  const cloud = (tier: "small" | "large"): ChainLink => ({
    provider: "openai",
    model: s.models[tier],
    route: tier,
  });
  const localOnly = (reason: string): RouteDecision => {
    const chain = s.hasOllama ? [local, offline] : [offline];
    const why = s.hasOllama ? reason : `${reason}; no local model configured → offline`;
    return {
      route: chain[0]?.route ?? "offline",
      reason: why,
      chain,
      complexity: c,
      sensitive: sens,
      cloudAllowed: false,
    };
  };

  if (input.rateLimited)
    return {
      route: "offline",
      reason: "tenant rate limit reached → offline",
      chain: [offline],
      complexity: c,
      sensitive: sens,
      cloudAllowed: false,
    };
  if (sens.length) return localOnly(`sensitive data (${sens.join(", ")}) → local only`);
  if (input.budgetShare >= s.downgradeAt)
    return localOnly(
      `budget ${Math.round(input.budgetShare * 100)}% used ≥ ${Math.round(s.downgradeAt * 100)}% → local`,
    );

  let tierIdx = ORDER.indexOf(input.tier);
  let why: string;
  if (input.tier === "local") why = "prompt tier local";
  else if (c < s.localMax) {
    tierIdx = Math.max(0, tierIdx - 1);
    why = `simple (complexity ${c.toFixed(2)} < ${s.localMax}) → ${ORDER[tierIdx]}`;
  } else if (c >= s.largeMin) {
    tierIdx = Math.min(2, tierIdx + 1);
    why = `complex (complexity ${c.toFixed(2)} ≥ ${s.largeMin}) → ${ORDER[tierIdx]}`;
  } else why = `moderate (complexity ${c.toFixed(2)}) → prompt tier ${input.tier}`;
  const want = ORDER[tierIdx] ?? "small";

  const chain: ChainLink[] = [];
  if (want === "local") {
    if (s.hasOllama) chain.push(local);
    else why += "; no local model";
    if (s.hasOpenAi) chain.push(cloud("small"));
  } else {
    if (s.hasOpenAi) chain.push(cloud(want));
    else why += "; no cloud provider";
    if (s.hasOllama) chain.push(local);
  }
  chain.push(offline);
  const first = chain[0] ?? offline;
  if (first.route !== want) why += ` → ${first.route}`;
  return { route: first.route, reason: why, chain, complexity: c, sensitive: sens, cloudAllowed: true };
}
