import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { serve } from "@hono/node-server";
import { createKeel, type Keel } from "./app.js";
import { ConsoleAdapter } from "./bots/console/adapter.js";
import type { CliContext, Io } from "./cli/io.js";
import type { Config } from "./config.js";
import { tenants } from "./core/infra/db/schema/index.js";
import type { Logger } from "./core/infra/logger.js";
import { tracesExporter } from "./core/infra/telemetry/config.js";
import { loadDemo } from "./demo/load.js";
import { createHttpApp, type Mount } from "./http/app.js";

export interface Running {
  keel: Keel;
  port: number;
  stop(): Promise<void>;
}

/**
 * Composition root: config → deps → demo data on an empty database → channels → HTTP → jobs.
 * Returns a handle whose stop() shuts everything down in reverse order. A failure on the way (a
 * channel that cannot start, Redis down) stops what already started and throws: the HTTP server
 * only listens once everything else is up, so /healthz is never half-alive.
 */
export async function startKeel(config: Config, opts: { io?: Io; logger?: Logger } = {}): Promise<Running> {
  const out = opts.io?.stdout ?? process.stdout;
  const keel = await createKeel(config, { migrate: true, logger: opts.logger });
  const stops: (() => Promise<void>)[] = [];
  // Traces only when OTEL_* ask for it: the SDK is imported only then (see core/infra/telemetry).
  if (tracesExporter(config.telemetry)) {
    const { startTracing } = await import("./core/infra/telemetry/sdk.js");
    const tracing = await startTracing(config.telemetry, keel.deps.logger, { version: keelVersion() });
    if (tracing) stops.push(() => tracing.shutdown());
  }
  const stopAll = async () => {
    for (const stop of stops.reverse())
      await stop().catch((err) => keel.deps.logger.error({ err }, "stop failed"));
  };
  try {
    return await listen(keel, config, out, stops, stopAll);
  } catch (e) {
    await stopAll();
    await keel.close();
    throw e;
  }
}

async function listen(
  keel: Keel,
  config: Config,
  out: NodeJS.WritableStream,
  stops: (() => Promise<void>)[],
  stopAll: () => Promise<void>,
): Promise<Running> {
  const { deps } = keel;
  deps.channels.set("console", new ConsoleAdapter((s) => out.write(s)));
  if (config.app.autoDemo) {
    const any = await deps.db.orm.select({ id: tenants.id }).from(tenants).limit(1);
    if (any.length === 0) {
      await loadDemo(deps);
      out.write("Loaded the demo company into the empty database.\n");
    }
  }
  const mounts: Mount[] = [];
  const { STARTERS } = await import("./starters.js");
  for (const s of STARTERS) {
    const stop = await s(keel, (m) => mounts.push(m));
    if (stop) stops.push(stop);
  }
  const app = createHttpApp(deps, mounts);
  // A port already in use is fatal too (EADDRINUSE), not a server that never answers.
  const server = await new Promise<ReturnType<typeof serve>>((resolve, reject) => {
    const s = serve({ fetch: app.fetch, port: config.http.port, hostname: "0.0.0.0" }, () => resolve(s));
    s.once("error", reject);
  });
  const addr = server.address();
  const port = typeof addr === "object" && addr ? addr.port : config.http.port;
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
      await stopAll();
      await keel.close();
    },
  };
}

function keelVersion(): string | undefined {
  try {
    // src/main.ts and dist/main.js both sit one level below package.json.
    return (
      JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { version?: string }
    ).version;
  } catch {
    return undefined;
  }
}

export async function startCommand(argv: string[], io: Io, ctx: CliContext): Promise<number> {
  parseArgs({ args: argv, options: {} });
  const running = await startKeel(ctx.config, { io, logger: ctx.logger });
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
