import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { deliverDue, enqueue } from "../../src/core/features/outbox/index.js";
import { identities, tenants, users } from "../../src/core/infra/db/schema/index.js";
import { createLogger, type Logger } from "../../src/core/infra/logger.js";
import { createHarness, type Harness } from "./slack/harness.js";
import { type CloudHarness, cloudHarness, text } from "./whatsapp/cloud-harness.js";

/**
 * Canary secrets and personal data go in; every failure path is driven (Web API down, 4xx, 5xx,
 * timeouts, outbox delivery failures, a database error carrying parameters); then ALL output of
 * this process — every log line at every level, and anything written to stdout/stderr — is
 * scanned for the canaries. The bot token's tail deliberately falls outside the Slack token pattern
 * the scrubber knows (underscores), so only the structural fix (errors logged through a field
 * whitelist) keeps it out, not a pattern.
 */
const CANARY = {
  botToken: "xoxb-canary_bot_token_7b1e2f9d4c",
  botTokenTail: "_bot_token_7b1e2f9d4c",
  slackLike: "xoxb-1111-2222-canaryslacklike",
  keelSecret: "canary-keel-secret-0f9e8d7c6b5a",
  graphToken: "canary-graph-token-a1b2c3d4e5",
  dmText: "canary-dm-text-my-margin-is-secret",
  waText: "canary-wa-text-call-me-back",
  waPhone: "4915799912345",
  dbParam: "canary-db-param@example.com",
};

const captured: string[] = [];
const sink = { write: (s: string) => void captured.push(s) };
const logger: Logger = createLogger({ level: "trace", destination: sink });
const restore: (() => void)[] = [];

function tap(stream: NodeJS.WriteStream): void {
  const original = stream.write.bind(stream);
  stream.write = ((chunk: unknown, ...rest: unknown[]) => {
    captured.push(String(chunk));
    return (original as (...a: unknown[]) => boolean)(chunk, ...rest);
  }) as typeof stream.write;
  restore.push(() => {
    stream.write = original as typeof stream.write;
  });
}

let h: Harness;
let down: Harness;
let wa: CloudHarness;

beforeAll(async () => {
  tap(process.stdout);
  tap(process.stderr);
  h = await createHarness({
    logger,
    botTokenValue: CANARY.botToken,
    timeoutMs: 300,
    env: { KEEL_SECRET: CANARY.keelSecret },
  });
  down = await createHarness({ logger, botTokenValue: CANARY.slackLike, timeoutMs: 300 });
  wa = await cloudHarness({}, undefined, { logger, accessToken: CANARY.graphToken });
}, 240_000);
afterAll(async () => {
  for (const r of restore) r();
  await h?.close();
  await down?.close().catch(() => {});
  await wa?.close();
});

const dm = (t: string, ts: string) => ({
  type: "message",
  channel_type: "im",
  channel: "D0OWNER",
  user: "U0OWNER",
  text: t,
  ts,
  event_ts: ts,
});

async function slackOutbox(x: Harness, address: string): Promise<void> {
  const [demo] = await x.deps.db.orm.select().from(tenants).where(eq(tenants.slug, "demo"));
  await x.deps.db.tenantTx(demo!.id, (tx) =>
    enqueue(
      tx,
      {
        tenantId: demo!.id,
        dedupeKey: `redaction:${address}:${Date.now()}`,
        target: { channel: "slack", address },
        payload: { text: CANARY.dmText },
      },
      new Date(),
    ),
  );
  await deliverDue(x.deps, x.deps.channels, demo!.id, 20, { noPacing: true });
}

describe("no secret or personal data in any output of any failure path", () => {
  it("Slack Web API answering 5xx, 4xx and hanging past the timeout", async () => {
    h.api.failNext("chat.postMessage", { status: 500 }, { status: 500 }, { status: 500 });
    await h.event(dm(CANARY.dmText, "1700000001.000100"));
    await h.runtime.idle();
    // A stranger whose profile lookup fails (told who can add them), then a member's turn whose
    // answer cannot be written (chat.update hangs past the timeout).
    h.api.failNext("users.info", { status: 400, error: "invalid_auth" });
    await h.event({ ...dm(CANARY.dmText, "1700000002.000100"), user: "U0STRANGER" });
    await h.runtime.idle();
    h.api.failNext("chat.update", { hangMs: 1_000 }, { hangMs: 1_000 }, { hangMs: 1_000 });
    await h.event(dm(CANARY.dmText, "1700000002.000200"));
    await h.runtime.idle();
    h.api.failNext("chat.postMessage", { error: "channel_not_found" });
    await slackOutbox(h, "C0GONE");
    // The canary token really was sent on these calls: the test could see a leak if there was one.
    expect(h.api.calls.some((c) => c.token === CANARY.botToken)).toBe(true);
  });

  it("Slack Web API unreachable (connection refused) for turns, commands and outbox delivery", async () => {
    await down.api.stop();
    await down.event(dm(CANARY.dmText, "1700000003.000100"));
    await down.command("/keel", `deals ${CANARY.dmText}`);
    await down.runtime.idle();
    await slackOutbox(down, "C0DOWN");
    await down.runtime.idle();
  });

  it("WhatsApp Graph API errors and outage", async () => {
    wa.graph.failNext(1, {
      status: 400,
      code: 131047,
      message: `Re-engagement message to ${CANARY.waPhone}`,
    });
    await wa.post(text(CANARY.waPhone, CANARY.waText));
    wa.graph.failNext(1, { status: 500, code: 131000, message: "Something went wrong" });
    await wa.post(text(CANARY.waPhone, `${CANARY.waText} again`));
    await wa.graph.close();
    await wa.post(text(CANARY.waPhone, `${CANARY.waText} once more`));
    await deliverDue(wa.d, wa.d.channels, wa.tenantId, 20, { noPacing: true });
    expect(wa.graph.calls.some((c) => c.authorization === `Bearer ${CANARY.graphToken}`)).toBe(true);
  });

  it("a database error whose SQL parameters carry personal data", async () => {
    const [demo] = await h.deps.db.orm.select().from(tenants).where(eq(tenants.slug, "demo"));
    const insert = () =>
      h.deps.db.tenantTx(demo!.id, (tx) =>
        tx.insert(users).values({ tenantId: demo!.id, email: CANARY.dbParam, name: CANARY.dmText }),
      );
    await insert();
    const err = await insert().catch((e: unknown) => e);
    expect(String((err as Error).message)).toContain(CANARY.dbParam); // the raw error does carry it
    h.deps.logger.error({ err }, "db write failed");
  });

  it("a database error whose SQL parameter is a phone number (unique violation on a WhatsApp identity)", async () => {
    const [demo] = await h.deps.db.orm.select().from(tenants).where(eq(tenants.slug, "demo"));
    const [owner] = await h.deps.db.tenantTx(demo!.id, (tx) =>
      tx.select({ id: users.id }).from(users).where(eq(users.email, "owner@demo.example")),
    );
    const link = () =>
      h.deps.db.tenantTx(demo!.id, (tx) =>
        tx.insert(identities).values({
          tenantId: demo!.id,
          userId: owner!.id,
          channel: "whatsapp",
          externalId: `+${CANARY.waPhone}`,
        }),
      );
    await link();
    const err = await link().catch((e: unknown) => e);
    // The raw error carries the number (drizzle's params, Postgres' detail "Key (…)=(…, +49…)").
    const raw = `${(err as Error).message} ${JSON.stringify((err as { cause?: unknown }).cause ?? {})}`;
    expect(raw).toContain(CANARY.waPhone);
    h.deps.logger.error({ err }, "db phone write failed");
    h.deps.logger.warn({ error: err }, "db phone write failed (error key)");
  });

  it("scans every captured line", () => {
    const all = captured.join("");
    // The failure paths above were reached and logged (so an empty log cannot pass this test).
    for (const line of [
      "slack turn failed",
      "outbox delivery failed",
      "db write failed",
      "db phone write failed",
      "ECONNREFUSED",
    ])
      expect(all).toContain(line);
    for (const [name, value] of Object.entries(CANARY)) {
      expect({ name, leaked: all.includes(value) }).toEqual({ name, leaked: false });
      expect({ name, leaked: all.includes(encodeURIComponent(value)) }).toEqual({ name, leaked: false });
    }
  });
});
