import { createInterface } from "node:readline/promises";
import { parseArgs } from "node:util";
import { createKeel, type Keel } from "../../app.js";
import type { CliContext, Io } from "../../cli/io.js";
import { actorByEmail, defaultActor, requireTenant } from "../../core/features/tenancy/index.js";
import { openDatabase } from "../../core/infra/db/client.js";
import { migrateWithOwner, runMigrations } from "../../core/infra/db/migrate.js";
import { AppError } from "../../core/kernel/errors.js";
import { ConsoleAdapter } from "./adapter.js";
import { renderConsole } from "./render.js";
import { ConsoleSession } from "./session.js";

async function openSession(keel: Keel, tenantSlug: string | undefined, email: string | undefined) {
  const tenant = await requireTenant(keel.deps.db, tenantSlug ?? keel.deps.config.app.defaultTenant);
  const actor = email
    ? await actorByEmail(keel.deps.db, tenant.id, email)
    : await defaultActor(keel.deps.db, tenant.id);
  return { tenant, actor };
}

const userOpts = {
  tenant: { type: "string" as const, short: "t" },
  user: { type: "string" as const, short: "u" },
};

export async function sayCommand(argv: string[], io: Io, ctx: CliContext): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    options: { ...userOpts, json: { type: "boolean" } },
    allowPositionals: true,
  });
  const text = positionals.join(" ");
  if (!text.trim()) {
    io.stderr.write('Usage: keel say [--tenant SLUG] [--user EMAIL] [--json] "text"\n');
    return 2;
  }
  const keel = await createKeel(ctx.config, { logger: ctx.logger });
  try {
    const consoleAdapter = new ConsoleAdapter(values.json ? null : (s) => io.stdout.write(s));
    keel.deps.channels.set("console", consoleAdapter);
    const { tenant, actor } = await openSession(keel, values.tenant, values.user);
    const session = new ConsoleSession(keel.dispatcher, actor);
    const { intent, reply } = await session.handle(text);
    if (values.json) {
      io.stdout.write(
        `${JSON.stringify({ reply, intent: { kind: intent.kind }, tenant: tenant.slug, user: actor.email, delivered: consoleAdapter.delivered }, null, 2)}\n`,
      );
    } else io.stdout.write(`${renderConsole(reply)}\n`);
    return 0;
  } finally {
    await keel.close();
  }
}

export async function chatCommand(argv: string[], io: Io, ctx: CliContext): Promise<number> {
  const { values } = parseArgs({ args: argv, options: userOpts });
  const keel = await createKeel(ctx.config, { logger: ctx.logger });
  try {
    keel.deps.channels.set("console", new ConsoleAdapter((s) => io.stdout.write(s)));
    const { tenant, actor } = await openSession(keel, values.tenant, values.user);
    const session = new ConsoleSession(keel.dispatcher, actor);
    io.stdout.write(
      `Keel — ${tenant.name}, signed in as ${actor.name} (${actor.role}). Type "help", or "exit" to leave.\n`,
    );
    const rl = createInterface({
      input: process.stdin,
      output: io.stdout as NodeJS.WritableStream,
      terminal: Boolean(process.stdin.isTTY),
    });
    rl.setPrompt("you › ");
    // Input can end (Ctrl-D, or lines piped in) while a turn is still being answered: the lines
    // already read are still answered, and no prompt is written to a closed interface.
    let open = true;
    rl.once("close", () => {
      open = false;
    });
    const prompt = () => {
      if (open) rl.prompt();
    };
    prompt();
    for await (const line of rl) {
      if (/^(exit|quit|bye)$/i.test(line.trim())) break;
      if (line.trim()) {
        try {
          const { reply } = await session.handle(line);
          io.stdout.write(`\nkeel › ${renderConsole(reply).replace(/\n/g, "\n       ")}\n\n`);
        } catch (e) {
          io.stdout.write(
            `\nkeel › ${e instanceof AppError ? e.userMessage : "Something went wrong; it has been logged."}\n\n`,
          );
          keel.deps.logger.error({ err: e }, "console turn failed");
        }
      }
      prompt();
    }
    rl.close();
    return 0;
  } finally {
    await keel.close();
  }
}

export async function demoCommand(_argv: string[], io: Io, ctx: CliContext): Promise<number> {
  const keel = await createKeel(ctx.config, { logger: ctx.logger });
  try {
    const { loadDemo } = await import("../../demo/load.js");
    const res = await loadDemo(keel.deps);
    io.stdout.write(
      res.created
        ? `Loaded the demo company (${res.tenants.map((t) => t.slug).join(", ")}): ${Object.entries(
            res.counts ?? {},
          )
            .map(([k, v]) => `${v} ${k}`)
            .join(", ")}.\n`
        : "The demo company is already loaded; nothing changed.\n",
    );
    return 0;
  } finally {
    await keel.close();
  }
}

export async function migrateCommand(_argv: string[], io: Io, ctx: CliContext): Promise<number> {
  const { config, logger } = ctx;
  const opts = {
    databaseUrl: config.db.url,
    dataDir: config.app.dataDir,
    appRole: config.db.appRole,
    sharedBuffersMb: config.db.pgliteSharedBuffersMb,
  };
  if (config.db.url)
    await migrateWithOwner({ ...opts, migrationUrl: config.db.migrationUrl }, logger, { force: true });
  else {
    const db = await openDatabase(opts);
    try {
      await runMigrations(db, config.db.appRole, logger, { force: true });
    } finally {
      await db.close();
    }
  }
  io.stdout.write(
    `Migrations applied (${config.db.url ? "postgres" : `embedded database in ${config.app.dataDir}`}).\n`,
  );
  return 0;
}
