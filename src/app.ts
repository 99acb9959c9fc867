import type { Config } from "./config.js";
import { type CreateDepsOptions, closeDeps, createDeps, type Deps } from "./core/deps.js";
import { coreHandlers } from "./core/handlers.js";
import { createDispatcher, type Dispatcher, type HandlerMap } from "./core/intents/dispatcher.js";
import { featureHandlers } from "./feature-handlers.js";

export interface Keel {
  deps: Deps;
  dispatcher: Dispatcher;
  close(): Promise<void>;
}

/** Every intent handler: core features plus the analytics/LLM features wired in feature-handlers.ts. */
export function allHandlers(): HandlerMap {
  return { ...coreHandlers(), ...featureHandlers() };
}

/** Deps + dispatcher, shared by `keel start`, the console commands and the tests. */
export async function createKeel(config: Config, opts: CreateDepsOptions = {}): Promise<Keel> {
  const deps = await createDeps(config, opts);
  const dispatcher = createDispatcher(deps, allHandlers());
  return { deps, dispatcher, close: () => closeDeps(deps) };
}
