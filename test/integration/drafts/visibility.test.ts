import { randomUUID } from "node:crypto";
import { and, eq, lt } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConsoleAdapter } from "../../../src/bots/console/adapter.js";
import { createApiToken } from "../../../src/core/features/api/index.js";
import { approvalsView } from "../../../src/core/features/drafts/index.js";
import { actorByEmail, requireTenant } from "../../../src/core/features/tenancy/index.js";
import { deals, invoices, users } from "../../../src/core/infra/db/schema/index.js";
import { createDispatcher, type Dispatcher } from "../../../src/core/intents/dispatcher.js";
import type { Intent } from "../../../src/core/intents/intent.js";
import { parseText } from "../../../src/core/intents/parse.js";
import { fixedClock } from "../../../src/core/ports/clock.js";
import type { Reply } from "../../../src/core/ports/reply.js";
import { registry } from "../../../src/core/registry.js";
import { loadDemo } from "../../../src/demo/load.js";
import { createHttpApp } from "../../../src/http/app.js";
import { call } from "../../support/api-client.js";
import { createTestDeps, type TestDeps } from "../../support/deps.js";

/**
 * Pending drafts carry amounts (an invoice reminder names the invoice and its total): a person sees
 * only drafts whose subject their role may see — in `drafts`, `drafts history N`, App Home and the
 * REST list. Found by the role sweep once finance's "chase the overdue invoices" made invoice drafts:
 * a rep's `drafts` listed seven invoice totals.
 */
const clock = fixedClock("2025-12-03T10:00:00Z");
let d: TestDeps;
let demo: string;
let dispatcher: Dispatcher;
const say = async (who: string, line: string): Promise<Reply> => {
  const actor = await actorByEmail(d.db, demo, `${who}@demo.example`);
  return dispatcher.dispatch({
    ...parseText(line),
    origin: { tenantId: demo, userId: actor.userId, channel: "console", conversationId: `c-${who}` },
    idempotencyKey: randomUUID(),
  } as Intent);
};
const all = (r: Reply) => JSON.stringify(r);

describe("who sees which pending draft", () => {
  let invoiceDraft: number;
  let samDraft: number;
  let linaDraft: number;
  beforeAll(async () => {
    d = await createTestDeps({ KEEL_API_RATE_LIMIT: "100000" }, { clock });
    await loadDemo(d);
    d.channels.set("console", new ConsoleAdapter(null));
    demo = (await requireTenant(d.db, "demo")).id;
    dispatcher = createDispatcher(d, registry);
    const [inv] = await d.db.tenantTx(demo, (tx) =>
      tx
        .select({ number: invoices.number })
        .from(invoices)
        .where(and(eq(invoices.status, "open"), lt(invoices.dueOn, "2025-12-01")))
        .limit(1),
    );
    const draftOf = async (who: string, line: string) => {
      const r = await say(who, line);
      const n = Number(
        (r.meta as { draftSeq?: unknown } | undefined)?.draftSeq ?? /#(\d+)/.exec(r.text)?.[1],
      );
      expect(Number.isFinite(n), `${who}: ${line} → ${r.text.slice(0, 120)}`).toBe(true);
      return n;
    };
    invoiceDraft = await draftOf("finance", `remind ${inv!.number}`);
    const dealOf = async (who: string) => {
      const [row] = await d.db.tenantTx(demo, (tx) =>
        tx
          .select({ name: deals.name })
          .from(deals)
          .innerJoin(users, eq(users.id, deals.ownerUserId))
          .where(and(eq(users.email, `${who}@demo.example`), eq(deals.status, "open")))
          .limit(1),
      );
      return row!.name;
    };
    samDraft = await draftOf("sam", `remind ${await dealOf("sam")}`);
    linaDraft = await draftOf("lina", `remind ${await dealOf("lina")}`);
  });
  afterAll(() => d?.cleanup());

  const listed = async (who: string) => {
    const r = await say(who, "drafts");
    return [...all(r).matchAll(/#(\d+) /g)].map((m) => Number(m[1]));
  };

  it("finance and the owner see the invoice reminder; reps and the viewer do not", async () => {
    expect(Number.isFinite(invoiceDraft)).toBe(true);
    expect(await listed("finance")).toContain(invoiceDraft);
    expect(await listed("owner")).toContain(invoiceDraft);
    for (const who of ["sam", "lina", "viewer"]) expect(await listed(who), who).not.toContain(invoiceDraft);
  });

  it("a rep sees their own deal drafts, not another rep's", async () => {
    const sam = await listed("sam");
    expect(sam).toContain(samDraft);
    expect(sam).not.toContain(linaDraft);
    expect(await listed("manager")).toEqual(expect.arrayContaining([samDraft, linaDraft]));
  });

  it("`drafts history N` of a draft you may not see answers as if there were none", async () => {
    expect((await say("sam", `drafts history ${invoiceDraft}`)).text).toBe(`No draft ${invoiceDraft}.`);
    expect((await say("finance", `drafts history ${invoiceDraft}`)).text).not.toMatch(/^No draft/);
  });

  it("App Home counts and sums only what the person may see", async () => {
    const sam = await actorByEmail(d.db, demo, "sam@demo.example");
    const view = await approvalsView(d, sam, "slack");
    expect(JSON.stringify(view)).not.toMatch(new RegExp(`#${invoiceDraft}\\b`));
    const fin = await approvalsView(d, await actorByEmail(d.db, demo, "finance@demo.example"), "slack");
    expect(fin.pendingTotal).toBeGreaterThan(view.pendingTotal);
  });

  it("the REST list and read answer a rep's token without the invoice draft", async () => {
    const app = createHttpApp(d);
    const { token } = await createApiToken(d, demo, { email: "sam@demo.example", scopes: ["drafts:read"] });
    const list = await call(app, "GET", "/api/v1/drafts", { token });
    expect(list.status).toBe(200);
    expect(JSON.stringify(list.body)).not.toMatch(new RegExp(`"number":${invoiceDraft}\\b`));
    const fin = await createApiToken(d, demo, { email: "finance@demo.example", scopes: ["drafts:read"] });
    const finList = await call(app, "GET", "/api/v1/drafts", { token: fin.token });
    expect(JSON.stringify(finList.body)).toMatch(new RegExp(`"number":${invoiceDraft}\\b`));
  });
});
