import { parseArgs } from "node:util";
import { serve } from "@hono/node-server";
import { createKeel, type Keel } from "./app.js";
import { ConsoleAdapter } from "./bots/console/adapter.js";
import type { Io } from "./cli.js";
import { type Config, loadConfig } from "./config.js";
import { tenants } from "./core/infra/db/schema/index.js";
import { loadDemo } from "./demo/load.js";
import { createHttpApp, type Mount } from "./http/app.js";

export interface Running {
  keel: Keel;
  port: number;
  stop(): Promise<void>;
}

/** Extra pieces the composition root starts (channels, jobs); each returns its stop function. */
export type Starter = (keel: Keel, mount: (m: Mount) => void) => Promise<(() => Promise<void>) | undefined>;

/**
 * Composition root: config → deps → demo data on an empty database → channels → HTTP → jobs.
 * Returns a handle whose stop() shuts everything down in reverse order.
 */
export async function startKeel(config: Config, opts: { io?: Io } = {}): Promise<Running> {
  const out = opts.io?.stdout ?? process.stdout;
  const keel = await createKeel(config, { migrate: true });
  const { deps } = keel;
  deps.channels.set("console", new ConsoleAdapter((s) => out.write(s)));
  if (config.KEEL_AUTO_DEMO) {
    const any = await deps.db.orm.select({ id: tenants.id }).from(tenants).limit(1);
    if (any.length === 0) {
      await loadDemo(deps);
      out.write("Loaded the demo company into the empty database.\n");
    }
  }
  const mounts: Mount[] = [];
  const stops: (() => Promise<void>)[] = [];
  const { STARTERS } = await import("./starters.js");
  for (const s of STARTERS) {
    const stop = await s(keel, (m) => mounts.push(m));
    if (stop) stops.push(stop);
  }
  const app = createHttpApp(deps, mounts);
  const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const s = serve({ fetch: app.fetch, port: config.PORT, hostname: "0.0.0.0" }, () => resolve(s));
  });
  const addr = server.address();
  const port = typeof addr === "object" && addr ? addr.port : config.PORT;
  deps.logger.info({ port, database: deps.db.kind, store: deps.store.kind }, "keel started");
  out.write(
    `Keel is running on http://localhost:${port} (database: ${deps.db.kind}, store: ${deps.store.kind}).\n` +
      `Talk to it in another terminal:  npx keel chat   (or: npx keel say "deals")\n`,
  );
  let stopped = false;
  return {
    keel,
    port,
    stop: async () => {
      if (stopped) return;
      stopped = true;
      await new Promise<void>((r) => server.close(() => r()));
      for (const stop of stops.reverse())
        await stop().catch((err) => deps.logger.error({ err }, "stop failed"));
      await keel.close();
    },
  };
}

export async function startCommand(argv: string[], io: Io): Promise<number> {
  parseArgs({ args: argv, options: {} });
  const running = await startKeel(loadConfig(), { io });
  await new Promise<void>((resolve) => {
    const shutdown = (signal: string) => {
      running.keel.deps.logger.info({ signal }, "shutting down");
      const force = setTimeout(() => process.exit(1), 15_000);
      force.unref();
      running.stop().then(resolve, resolve);
    };
    process.once("SIGINT", () => shutdown("SIGINT"));
    process.once("SIGTERM", () => shutdown("SIGTERM"));
  });
  return 0;
}
