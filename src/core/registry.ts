/**
 * THE list of features. Every intent kind is handled by exactly one feature listed here; the type
 * check below fails `tsc` when a kind of `IntentKind` has no handler, and `buildRegistry` throws at
 * start-up when two features claim one kind. Order = the order of `help`. How to register: see the
 * header of src/core/intents/feature.ts.
 */
import { cashflowFeature } from "./features/cashflow/index.js";
import { coachFeature } from "./features/coach/index.js";
import { collectionsFeature } from "./features/collections/index.js";
import { connectorsFeature } from "./features/connectors/index.js";
import { rememberTurn } from "./features/conversation/index.js";
import { dealsFeature } from "./features/deals/index.js";
import { digestFeature } from "./features/digest/index.js";
import { draftsFeature } from "./features/drafts/index.js";
import { fileImportFeature } from "./features/file-import/index.js";
import { forecastFeature } from "./features/forecast/index.js";
import { goalsFeature } from "./features/goals/index.js";
import { helpFeature } from "./features/help/index.js";
import { insightsFeature } from "./features/insights/index.js";
import { invoicesFeature } from "./features/invoices/index.js";
import { onboardingFeature } from "./features/onboarding/index.js";
import { optimizeFeature } from "./features/optimize/index.js";
import { provenanceFeature, rememberReplySources } from "./features/provenance/index.js";
import { tenancyFeature } from "./features/tenancy/index.js";
import { usageFeature } from "./features/usage/index.js";
import type { Unhandled } from "./intents/feature.js";
import { buildRegistry, type Registry } from "./intents/registry.js";

export const FEATURES = [
  helpFeature,
  dealsFeature,
  invoicesFeature,
  collectionsFeature,
  draftsFeature,
  cashflowFeature,
  forecastFeature,
  optimizeFeature,
  insightsFeature,
  goalsFeature,
  usageFeature,
  digestFeature,
  tenancyFeature,
  onboardingFeature,
  fileImportFeature,
  connectorsFeature,
  coachFeature,
  provenanceFeature,
] as const;

/** `tsc` fails here, naming the kind, when an intent kind has no feature. */
type Missing = Unhandled<(typeof FEATURES)[number]>;
const everyKindHandled: [Missing] extends [never] ? true : { unhandled: Missing } = true;
void everyKindHandled;

/** The registry every entry point dispatches through (console, Slack, WhatsApp, HTTP, jobs, tests). */
export const registry: Registry = buildRegistry(FEATURES, {
  onReply: async (deps, intent, reply) => {
    await rememberReplySources(deps, intent, reply);
    await rememberTurn(deps, intent, reply);
  },
});
