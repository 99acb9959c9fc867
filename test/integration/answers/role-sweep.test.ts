import { randomUUID } from "node:crypto";
import { type SQL, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Actor } from "../../../src/core/features/auth/permissions.js";
import { dataScope, PERMISSIONS } from "../../../src/core/features/auth/permissions.js";
import { actorByEmail, requireTenant } from "../../../src/core/features/tenancy/index.js";
import { resultRows } from "../../../src/core/infra/db/client.js";
import { createDispatcher } from "../../../src/core/intents/dispatcher.js";
import { type Intent, intentSchema } from "../../../src/core/intents/intent.js";
import { parseText } from "../../../src/core/intents/parse.js";
import { formatMoney } from "../../../src/core/kernel/format.js";
import type { Reply } from "../../../src/core/ports/reply.js";
import { registry } from "../../../src/core/registry.js";
import { loadDemo } from "../../../src/demo/load.js";
import { createTestDeps, type TestDeps } from "../../support/deps.js";

/**
 * Every intent × every role × the demo data: figures a role may not see (invoice amounts, cash,
 * other reps' deals, the whole pipeline's total) never appear anywhere in what Keel sends back.
 * The forbidden figures are computed by SQL here, independently of the code under test.
 */
const ROLES = [
  "owner@demo.example",
  "manager@demo.example",
  "sam@demo.example",
  "finance@demo.example",
  "viewer@demo.example",
];

/** What people type, covering every intent kind (commands and free text routed by the coach). */
const MESSAGES = [
  "help",
  "how is my business doing?",
  "who owes us the most",
  "how much cash did we collect",
  "whats our DSO",
  "show me the deals",
  "my stuck deals",
  "what was revenue in october",
  "whats the biggest deal we have",
  "what's going on with Acme Logistics?",
  "asdfgh qwertyuiop",
  "deals",
  "deals mine",
  "deals owner Lina",
  "deals stuck",
  "deal Acme Logistics",
  "invoices overdue",
  "overdue",
  "remind Acme Logistics",
  "remind INV-1001",
  "drafts",
  "drafts history 1",
  "approve 1",
  "reject 1 nope",
  "edit 1 new text",
  "cashflow",
  "cashflow 60 week",
  "cashflow if Acme Logistics slips 30 days",
  "forecast revenue",
  "forecast cash balance",
  "why did revenue drop",
  "why did cash balance drop",
  "plan staffing",
  "goal grow revenue 10% by end of March",
  "goals",
  "goal accept 1",
  "usage",
  "digest now",
  "digest daily 08:00",
  "settings role viewer@demo.example rep",
  "sources?",
  "sync status",
  "collections",
  "chase the overdue invoices",
  "calibration",
  "calibration approve 1",
  "dels",
  "cashflow banana",
];

describe("roles decide what data every answer shows", () => {
  let d: TestDeps;
  let tenantId: string;
  const actors = new Map<string, Actor>();
  let moneySecrets: string[] = [];
  let teamSecrets: string[] = [];
  const otherDealSecrets = new Map<string, string[]>();

  beforeAll(async () => {
    d = await createTestDeps();
    await loadDemo(d);
    tenantId = (await requireTenant(d.db, "demo")).id;
    for (const e of ROLES) actors.set(e, await actorByEmail(d.db, tenantId, e));
    const today = d.clock.now().toISOString().slice(0, 10);
    const m = (minor: number | string) => formatMoney(Number(minor), "USD");
    await d.db.tenantTx(tenantId, async (tx) => {
      const q = async <T>(query: SQL) => resultRows<T>(await tx.execute(query));
      // Money a rep or viewer may not see: every open invoice's outstanding balance, the overdue
      // total, cash collected, the cash balance.
      const inv = await q<{ out: string }>(
        sql`select i.amount_minor - coalesce((select sum(p.amount_minor) from payments p where p.invoice_id = i.id), 0) as out
              from invoices i where i.status = 'open'`,
      );
      const [over] = await q<{ total: string }>(
        sql`select coalesce(sum(i.amount_minor - coalesce((select sum(p.amount_minor) from payments p where p.invoice_id = i.id), 0)), 0) as total
              from invoices i where i.status = 'open' and i.due_on < ${today}`,
      );
      const [cash] = await q<{ total: string }>(
        sql`select coalesce(sum(amount_minor), 0) as total from payments
             where paid_on > (${today}::date - 30) and paid_on <= ${today}::date`,
      );
      const [bal] = await q<{ v: string }>(
        sql`select p.value as v from metric_points p join metric_series s on s.id = p.series_id
             where s.key = 'cash_balance' order by p.on desc limit 1`,
      );
      moneySecrets = [
        ...inv.map((r) => m(r.out)).filter((s) => s.length >= 7),
        m(over!.total),
        m(cash!.total),
        m(Math.round(Number(bal!.v) * 100)),
      ];
      // The team's open pipeline total: only roles that see every deal.
      const [team] = await q<{ total: string }>(
        sql`select coalesce(sum(value_minor), 0) as total from deals where status = 'open'`,
      );
      teamSecrets = [m(team!.total)];
      for (const e of ROLES) {
        const a = actors.get(e)!;
        const rows = await q<{ name: string }>(
          sql`select name from deals where status = 'open' and owner_user_id is distinct from ${a.userId}
                and name not in (select name from deals where owner_user_id = ${a.userId})`,
        );
        otherDealSecrets.set(
          e,
          rows.flatMap((r) => [r.name]),
        );
      }
    });
  });
  afterAll(() => d.cleanup());

  const say = async (email: string, text: string, conversationId: string): Promise<Reply> => {
    const a = actors.get(email)!;
    const intent = {
      ...parseText(text),
      origin: { tenantId, userId: a.userId, channel: "console", conversationId },
      idempotencyKey: randomUUID(),
    } as Intent;
    return createDispatcher(d, registry).dispatch(intent);
  };

  it("covers every intent kind Keel knows", () => {
    const kinds = new Set(MESSAGES.map((m) => parseText(m).kind));
    const all = intentSchema.options.map((o) => o.shape.kind.value);
    // Kinds only buttons or jobs produce are covered through the coach's routing.
    // Import and admission decisions exist only as buttons on a pending import / a stranger's request.
    const buttonOnly = new Set(["import.confirm", "import.cancel", "import.kind", "member.admit"]);
    const notTyped = all.filter((k) => !kinds.has(k) && !buttonOnly.has(k));
    expect(notTyped).toEqual([]);
  });

  it("the forbidden figures exist and the owner does see them (the sweep can fail)", async () => {
    expect(moneySecrets.length).toBeGreaterThan(3);
    const r = await say("owner@demo.example", "invoices overdue", "pos");
    expect(JSON.stringify(r)).toContain(moneySecrets.at(-3)!);
    const deals = await say("owner@demo.example", "deals", "pos2");
    expect(deals.text).toContain(teamSecrets[0]!);
    const sam = otherDealSecrets.get("sam@demo.example")!;
    expect(sam.length).toBeGreaterThan(3);
    expect(deals.sections?.[0]?.text).toContain(sam[0]!);
  });

  for (const email of ROLES) {
    it(`${email.split("@")[0]}: no message shows a figure the role may not see`, async () => {
      const a = actors.get(email)!;
      const s = dataScope(a);
      const forbidden = [
        ...(s.invoices && s.cash ? [] : moneySecrets),
        ...(s.deals === "all" ? [] : [...teamSecrets, ...otherDealSecrets.get(email)!]),
      ];
      const leaks: string[] = [];
      for (const [i, text] of MESSAGES.entries()) {
        const reply = await say(email, text, `sweep-${i}`);
        const seen = JSON.stringify({ ...reply, meta: undefined });
        for (const f of forbidden) if (seen.includes(f)) leaks.push(`${text} → ${f}`);
      }
      expect(leaks).toEqual([]);
    }, 240_000);
  }

  it("a viewer sees no more money than a rep (one table decides)", () => {
    for (const p of ["invoices.read", "cashflow.read"] as const) {
      if (!PERMISSIONS.rep.includes(p)) expect(PERMISSIONS.viewer).not.toContain(p);
    }
  });
});
