import { randomUUID } from "node:crypto";
import { and, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  markAnswered,
  type NewTurn,
  receiveTurn,
  receiveTurns,
  TURN_LEASE_MS,
} from "../../../src/core/features/inbox/index.js";
import { inboundTurns } from "../../../src/core/infra/db/schema/index.js";
import { createTestDeps, type TestDeps } from "../../support/deps.js";

/**
 * Recording turns before the ack, many at once: deliveries that arrive together share one statement
 * (group commit), and each still gets the outcome it would get alone — new, taken over from a dead
 * worker, in progress elsewhere, answered — also when the same delivery appears twice in one burst.
 */
let deps: TestDeps;
beforeAll(async () => {
  deps = await createTestDeps();
});
afterAll(async () => {
  await deps?.cleanup();
});

const command = (text: string, i: number): NewTurn => ({
  channel: "slack",
  key: `command:trig-${randomUUID()}`,
  kind: "command",
  account: "T0DEMO",
  payload: {
    command: "/deal",
    text,
    userId: `U0REP${i}`,
    channelId: "C0SALES",
    responseUrl: `https://hooks.slack.test/commands/${i}`,
    triggerId: `trig-${i}`,
    teamKey: "T0DEMO",
  },
});

const whatsapp = (text: string, i: number): NewTurn => ({
  channel: "whatsapp",
  key: `100200300:wamid.${randomUUID()}`,
  kind: "message",
  account: "100200300",
  payload: { from: `4915550000${i}`, messageId: `wamid.${i}`, content: { type: "text", text } },
});

const TEXTS = [
  "Acme",
  "acme logistcs",
  "Müller GmbH",
  "北京贸易",
  "",
  "'; drop table inbound_turns; --",
  "<script>alert(1)</script>",
  "a".repeat(3000),
  "deal with the 😀 emoji",
  "how much cash do we have?",
  "wie viel Umsatz im März?",
  "pipeline",
  "Globex\nsecond line",
  "NUL-free text with \\u0000 escaped",
  "forecast revenue 3",
  "cashflow 90",
  "remind Acme",
  "staffing plan",
  "¿cuánto nos deben?",
  "help",
  "deals",
  "approve 2",
];

const rowOf = async (t: NewTurn) =>
  (
    await deps.db.orm
      .select()
      .from(inboundTurns)
      .where(and(eq(inboundTurns.channel, t.channel), eq(inboundTurns.key, t.key)))
  )[0];

describe("recording a burst of turns", () => {
  it("records every delivery of a burst as new, exactly once, with its payload as sent", async () => {
    const burst = TEXTS.map((t, i) => (i % 3 === 0 ? whatsapp(t, i) : command(t, i)));
    const results = await Promise.all(burst.map((t) => receiveTurn(deps, t)));
    expect(results.map((r) => r.outcome)).toEqual(burst.map(() => "new"));
    for (const [i, r] of results.entries()) {
      const t = burst[i]!;
      expect(r.turn.key).toBe(t.key);
      expect(r.turn.channel).toBe(t.channel);
      expect(r.turn.attempts).toBe(1);
      expect(r.turn.payload).toEqual(t.payload);
      const row = await rowOf(t);
      expect(row?.id).toBe(r.turn.id);
      expect(row?.payload).toEqual(t.payload);
      expect(row?.status).toBe("pending");
    }
  });

  it("tells a delivery repeated inside one burst that its turn is in progress", async () => {
    const t = command("Acme", 1);
    const [a, b, c] = await Promise.all([receiveTurn(deps, t), receiveTurn(deps, t), receiveTurn(deps, t)]);
    expect(a?.outcome).toBe("new");
    expect(b?.outcome).toBe("in-progress");
    expect(c?.outcome).toBe("in-progress");
    expect(b?.turn.id).toBe(a?.turn.id);
    const [{ n }] = (await deps.db.rows<{ n: number }>(
      sql`select count(*)::int as n from inbound_turns where key = ${t.key}`,
    )) as [{ n: number }];
    expect(n).toBe(1);
  });

  it("gives each delivery of a mixed burst its own outcome: new, answered, in progress, taken over", async () => {
    const answered = command("pipeline", 2);
    const live = command("cashflow 90", 3);
    const dead = whatsapp("deals", 4);
    const { turn: a } = await receiveTurn(deps, answered);
    await markAnswered(deps, a.id);
    await receiveTurn(deps, live);
    const { turn: d } = await receiveTurn(deps, dead, "worker-that-died");
    await deps.db.orm
      .update(inboundTurns)
      .set({ lockedUntil: new Date(Date.now() - TURN_LEASE_MS) })
      .where(eq(inboundTurns.id, d.id));
    const fresh = [command("forecast revenue 3", 5), whatsapp("help", 6)];
    const results = await receiveTurns(deps, [answered, fresh[0]!, live, dead, fresh[1]!]);
    expect(results.map((r) => r.outcome)).toEqual(["answered", "new", "in-progress", "taken-over", "new"]);
    const takenOver = results[3]!;
    expect(takenOver.turn.id).toBe(d.id);
    expect(takenOver.turn.attempts).toBe(2);
    expect((await rowOf(dead))?.owner).not.toBe("worker-that-died");
  });

  it("fails every waiting ack of a statement that fails (none is acknowledged unrecorded)", async () => {
    const bad = { ...command("Acme", 7), kind: null as unknown as string };
    const good = command("Globex", 8);
    const results = await Promise.allSettled([receiveTurn(deps, bad), receiveTurn(deps, good)]);
    expect(results[0]?.status).toBe("rejected");
    // The next delivery is written whatever happened to the batch before it.
    const again = await receiveTurn(deps, command("Initech", 9));
    expect(again.outcome).toBe("new");
    if (results[1]?.status === "fulfilled") expect((await rowOf(good))?.status).toBe("pending");
    else expect(await rowOf(good)).toBeUndefined();
  });
});
