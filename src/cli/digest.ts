import { parseArgs } from "node:util";
import { createKeel } from "../app.js";
import { ConsoleAdapter } from "../bots/console/adapter.js";
import { renderConsole } from "../bots/console/render.js";
import { buildDigest, listSubscriptions } from "../core/features/digest/index.js";
import { deliverDue, enqueue } from "../core/features/outbox/index.js";
import { listTenants, requireTenant } from "../core/features/tenancy/index.js";
import { plural } from "../core/kernel/text.js";
import type { CliContext, Io } from "./io.js";

const USAGE = "Usage: keel digest --now [--tenant SLUG]\n";
const DAY_MS = 86_400_000;

/**
 * `keel digest --now [--tenant SLUG]`: builds every subscribed chat's digest now (all tenants, or
 * one) and queues it in the outbox — a running `keel start` delivers Slack/WhatsApp rows, console
 * rows are delivered here. A tenant without subscriptions gets its digest printed.
 */
export async function digestCommand(argv: string[], io: Io, ctx: CliContext): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: { now: { type: "boolean" }, tenant: { type: "string", short: "t" } },
  });
  if (!values.now) {
    io.stderr.write(USAGE);
    return 2;
  }
  const keel = await createKeel(ctx.config, { logger: ctx.logger });
  const { deps } = keel;
  try {
    deps.channels.set("console", new ConsoleAdapter((s) => io.stdout.write(s)));
    const list = values.tenant ? [await requireTenant(deps.db, values.tenant)] : await listTenants(deps.db);
    const now = deps.clock.now();
    const stamp = now.toISOString().slice(0, 16);
    let queued = 0;
    for (const t of list) {
      const subs = await deps.db.tenantTx(t.id, (tx) => listSubscriptions(tx));
      if (!subs.length) {
        const { reply } = await buildDigest(deps, t.id, {
          since: new Date(now.getTime() - DAY_MS),
          save: true,
          name: `digest-${t.slug}-${stamp}`,
        });
        io.stdout.write(
          `\n── ${t.slug} (no digest subscriptions; printed here) ──\n${renderConsole(reply)}\n`,
        );
        continue;
      }
      for (const s of subs) {
        const since = s.lastSentAt ?? new Date(now.getTime() - (s.cadence === "weekly" ? 7 : 1) * DAY_MS);
        const { reply } = await buildDigest(deps, t.id, {
          since,
          save: s.channel === "console",
          name: `digest-${t.slug}-${stamp}`,
        });
        const target = {
          channel: s.channel,
          address: s.address,
          ...(s.threadId ? { threadId: s.threadId } : {}),
        };
        const ok = await deps.db.tenantTx(t.id, (tx) =>
          enqueue(
            tx,
            {
              tenantId: t.id,
              dedupeKey: `digest-now:${s.id}:${stamp}`,
              target,
              payload: { ...reply, meta: { ...reply.meta, manual: true } },
            },
            now,
          ),
        );
        if (ok) queued++;
        io.stdout.write(`${ok ? "Queued" : "Already queued"}: ${t.slug} → ${s.channel} ${s.address}\n`);
      }
      // Only the console can be delivered from this process; other channels wait for `keel start`.
      if (subs.some((s) => s.channel === "console"))
        await deliverDue(deps, new Map([["console", deps.channels.get("console")!]]), t.id);
    }
    io.stdout.write(
      `${plural(queued, "digest")} queued. Slack and WhatsApp digests are delivered by the running server (keel start).\n`,
    );
    return 0;
  } finally {
    await keel.close();
  }
}
