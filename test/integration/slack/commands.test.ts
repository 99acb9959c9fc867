import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { requireTenant } from "../../../src/core/features/tenancy/index.js";
import { soloOwnerPolicy } from "../../support/solo-owner.js";
import { buttons, createHarness, type Harness, recordAck } from "./harness.js";

let h: Harness;
const acks: number[] = [];

beforeAll(async () => {
  h = await createHarness();
  // A one-person business (four eyes off): these tests are about the slash commands' wire shapes.
  await soloOwnerPolicy(h.deps, (await requireTenant(h.deps.db, "demo")).id);
});
afterAll(async () => {
  recordAck("slash commands (app.request, demo company)", acks);
  await h?.close();
});

/** Runs a command, waits for the background work, returns the ack and what arrived at response_url. */
async function run(command: string, text: string, user = "U0OWNER") {
  const r = await h.command(command, text, user);
  acks.push(r.ms);
  await h.runtime.idle();
  const ackBody = await r.res.text();
  return {
    status: r.res.status,
    ack: ackBody ? (JSON.parse(ackBody) as Record<string, unknown>) : null,
    responses: h.api.responsesFor(r.responseId).map((x) => x.body),
  };
}

const allText = (responses: Record<string, unknown>[]) => responses.map((r) => String(r.text)).join("\n");

describe("slash commands on the demo company", () => {
  it("/deal Acme shows the deal in the channel", async () => {
    const r = await run("/deal", "Acme");
    expect(r.status).toBe(200);
    expect(r.ack).toBeNull();
    expect(r.responses).toHaveLength(1);
    expect(r.responses[0]!.response_type).toBe("in_channel");
    expect(allText(r.responses)).toContain("Acme Logistics");
    expect(r.responses[0]!.blocks).toBeInstanceOf(Array);
  });

  it("/remind Acme drafts a follow-up with Approve / Edit / Reject buttons carrying references", async () => {
    const r = await run("/remind", "Acme");
    expect(allText(r.responses)).toMatch(/Draft #\d+/);
    const b = buttons(r.responses[0]!.blocks as unknown[]);
    expect(Object.keys(b)).toEqual(["Approve", "Edit", "Reject"]);
    for (const { value } of Object.values(b)) expect(value).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(JSON.stringify(r.responses[0])).not.toContain("draft.approve");
  });

  it("/coach sends free text to the coach", async () => {
    const r = await run("/coach", "how is my business doing?");
    expect(r.responses).toHaveLength(1);
    expect(allText(r.responses).length).toBeGreaterThan(0);
  });

  it("/goal with text plans a goal", async () => {
    const r = await run("/goal", "grow revenue 10% by March");
    expect(allText(r.responses)).toMatch(/goal/i);
    expect(allText(r.responses)).not.toMatch(/not enabled/i);
  });

  it("/cashflow 90 answers through the dispatcher", async () => {
    const r = await run("/cashflow", "90");
    expect(r.responses).toHaveLength(1);
    expect(allText(r.responses)).toMatch(/cash/i);
    expect(allText(r.responses)).not.toMatch(/not enabled/i);
  });

  it("/forecast revenue answers through the dispatcher", async () => {
    const r = await run("/forecast", "revenue 3");
    expect(allText(r.responses)).toMatch(/forecast|revenue/i);
    expect(allText(r.responses)).not.toMatch(/not enabled/i);
  });

  it("/plan staffing answers through the dispatcher", async () => {
    const r = await run("/plan", "staffing");
    expect(allText(r.responses)).toMatch(/staff|plan/i);
    expect(allText(r.responses)).not.toMatch(/not enabled/i);
  });

  it("/keel help answers only the asker, with slash commands", async () => {
    const r = await run("/keel", "help");
    expect(r.responses[0]!.response_type).toBe("ephemeral");
    expect(JSON.stringify(r.responses[0]!.blocks)).toContain("/deal NAME");
  });

  it("/keel usage answers the owner with this month's AI spend against the budget", async () => {
    const r = await run("/keel", "usage");
    const text = allText(r.responses) + JSON.stringify(r.responses[0]?.blocks ?? []);
    expect(text).toMatch(/AI spend in \d{4}-\d{2}: \$\d+\.\d{2,4}/);
    expect(text).toMatch(/budget/);
    expect(text).not.toMatch(/not enabled/i);
  });

  it("/keel usage 2026-13 explains the month format instead of failing", async () => {
    const r = await run("/keel", "usage 2026-13");
    expect(allText(r.responses)).toContain("2026-11");
  });

  it("/keel usage, settings and digest are private answers", async () => {
    for (const text of ["usage", "settings role U0VIEWER manager", "digest now"]) {
      const r = await run("/keel", text);
      expect(r.responses[0]!.response_type, text).toBe("ephemeral");
    }
  });

  it("bad arguments get the usage text in the ack itself, ephemerally, and nothing else happens", async () => {
    const before = h.api.calls.length;
    for (const [cmd, text] of [
      ["/deal", ""],
      ["/plan", "moon"],
      ["/cashflow", "banana"],
    ] as const) {
      const r = await run(cmd, text);
      expect(r.ack?.response_type).toBe("ephemeral");
      expect(String(r.ack?.text)).toMatch(/^Usage: `\/(deal|plan|cashflow)/);
      expect(r.responses).toHaveLength(0);
    }
    expect(h.api.calls.length).toBe(before);
  });

  it("an unknown Slack user is not made a member: no deal, no draft, told who can add them", async () => {
    h.api.users.set("U0NEWBIE", { name: "New Person", email: "newbie@elsewhere.example" });
    const read = await run("/deal", "Acme", "U0NEWBIE");
    expect(allText(read.responses)).not.toContain("Acme Logistics");
    expect(allText(read.responses)).toContain("not a member");
    const draft = await run("/remind", "Acme", "U0NEWBIE");
    expect(draft.responses[0]!.response_type).toBe("ephemeral");
    expect(allText(draft.responses)).toContain("Olivia Owens");
  });
});
