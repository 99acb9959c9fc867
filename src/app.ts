import type { Config } from "./config.js";
import { type CreateDepsOptions, closeDeps, createDeps, type Deps } from "./core/deps.js";
import { createDispatcher, type Dispatcher } from "./core/intents/dispatcher.js";
import { registry } from "./core/registry.js";

export interface Keel {
  deps: Deps;
  dispatcher: Dispatcher;
  close(): Promise<void>;
}

/** Deps + dispatcher over the one feature registry, shared by `keel start`, the console commands and the tests. */
export async function createKeel(config: Config, opts: CreateDepsOptions = {}): Promise<Keel> {
  const deps = await createDeps(config, opts);
  const dispatcher = createDispatcher(deps, registry);
  return { deps, dispatcher, close: () => closeDeps(deps) };
}
