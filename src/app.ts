import type { Config } from "./config.js";
import { type CreateDepsOptions, closeDeps, createDeps, type Deps } from "./core/deps.js";
import { coachHandler } from "./core/features/coach/index.js";
import { withSourceMemory } from "./core/features/provenance/index.js";
import { coreHandlers } from "./core/handlers.js";
import {
  createDispatcher,
  type Dispatcher,
  type Handler,
  type HandlerMap,
} from "./core/intents/dispatcher.js";
import type { IntentKind } from "./core/intents/intent.js";
import { featureHandlers } from "./feature-handlers.js";

export interface Keel {
  deps: Deps;
  dispatcher: Dispatcher;
  close(): Promise<void>;
}

/**
 * Every intent handler: core features, overridden/extended by the features wired in
 * feature-handlers.ts; every reply's sources are remembered per conversation for `sources?`.
 */
export function allHandlers(): HandlerMap {
  const map: HandlerMap = { ...coreHandlers(), ...featureHandlers() };
  map["coach.message"] = coachHandler((kind) =>
    kind === "coach.message" ? undefined : (map[kind] as Handler<IntentKind> | undefined),
  );
  return withSourceMemory(map);
}

/** Deps + dispatcher, shared by `keel start`, the console commands and the tests. */
export async function createKeel(config: Config, opts: CreateDepsOptions = {}): Promise<Keel> {
  const deps = await createDeps(config, opts);
  const dispatcher = createDispatcher(deps, allHandlers());
  return { deps, dispatcher, close: () => closeDeps(deps) };
}
