import { describe, expect, expectTypeOf, it } from "vitest";
import type { Deps } from "../../../src/core/deps.js";
import type { Actor, Role } from "../../../src/core/features/auth/index.js";
import { dealsFeature } from "../../../src/core/features/deals/index.js";
import { defineFeature, type Unhandled } from "../../../src/core/intents/feature.js";
import { type Intent, type IntentKind, intentSchema } from "../../../src/core/intents/intent.js";
import { COMMANDS, parseText } from "../../../src/core/intents/parse.js";
import { buildRegistry } from "../../../src/core/intents/registry.js";
import { FEATURES, registry } from "../../../src/core/registry.js";

const KINDS = intentSchema.options.map((o) => o.shape.kind.value) as IntentKind[];
const origin = {
  tenantId: "00000000-0000-4000-8000-000000000001",
  userId: "00000000-0000-4000-8000-000000000002",
  channel: "console" as const,
  conversationId: "c1",
};
const actor = (role: Role): Actor => ({
  userId: origin.userId,
  tenantId: origin.tenantId,
  role,
  name: "Pat",
  email: "pat@example.com",
});
const intent = (args: Record<string, unknown>) => ({ ...args, origin, idempotencyKey: "k1" }) as Intent;
// The permission check runs before any handler touches deps; a refusal must not need them.
const noDeps = {} as Deps;

describe("feature registry", () => {
  it("gives every intent kind exactly one handler, in exactly one feature", () => {
    for (const kind of KINDS) {
      const owners = FEATURES.filter((f) => kind in f.intents).map((f) => f.name);
      expect(owners, kind).toHaveLength(1);
      expect(registry.has(kind)).toBe(true);
    }
    const registered = FEATURES.flatMap((f) => Object.keys(f.intents));
    expect([...registered].sort()).toEqual([...KINDS].sort());
  });

  it("fails the type check when a kind has no feature", () => {
    expectTypeOf<Unhandled<(typeof FEATURES)[number]>>().toEqualTypeOf<never>();
    expectTypeOf<Unhandled<typeof dealsFeature>>().not.toEqualTypeOf<never>();
    expectTypeOf<"usage.show">().toExtend<Unhandled<typeof dealsFeature>>();
  });

  it("pins the permission each intent needs (one table, as data)", () => {
    const table = Object.fromEntries(KINDS.map((k) => [k, registry.permissionOf(k)]));
    expect(table).toEqual({
      help: "anyone",
      "coach.message": "anyone",
      unknown: "anyone",
      "usage.error": "anyone",
      "deals.list": "deals.read",
      "deal.show": "deals.read",
      "invoices.overdue": "invoices.read",
      "draft.create": "draft.create",
      "draft.approve": "anyone",
      "draft.reject": "anyone",
      "draft.edit": "anyone",
      "drafts.list": "anyone",
      "draft.history": "anyone",
      "collections.chase": "collections.chase",
      "cashflow.forecast": "cashflow.read",
      "calibration.show": "settings.manage",
      "calibration.decide": "settings.manage",
      "forecast.metric": "metrics.read",
      "optimize.plan": "plan.run",
      "insights.why": "metrics.read",
      "goal.plan": "metrics.read",
      "goal.accept": "goals.manage",
      "goals.list": "anyone",
      "usage.show": "usage.read",
      "digest.settings": "digest.manage",
      "settings.role": "settings.manage",
      "sources.show": "anyone",
      "import.confirm": "data.import",
      "import.cancel": "data.import",
      "import.kind": "data.import",
      "member.admit": "settings.manage",
      "sync.status": "settings.manage",
    });
  });

  it("refuses a viewer's plan before the solver runs, with the feature's own words", async () => {
    await expect(
      registry.run(noDeps, intent({ kind: "optimize.plan", problem: "staffing" }), actor("viewer")),
    ).rejects.toMatchObject({
      code: "forbidden",
      userMessage: "Your role (viewer) cannot run plans.",
    });
  });

  it("refuses a rep's `usage` (AI spend is for owners, managers and finance)", async () => {
    await expect(registry.run(noDeps, intent({ kind: "usage.show" }), actor("rep"))).rejects.toMatchObject({
      code: "forbidden",
      userMessage: expect.stringContaining("cannot see AI spend"),
    });
  });

  it("applies the permission when a handler routes to another intent (coach → feature)", async () => {
    const seen: string[] = [];
    const router = defineFeature({
      name: "router",
      intents: {
        "coach.message": {
          permission: "anyone",
          handle: (_d, i, _a, ctx) => ctx.route({ kind: "cashflow.forecast" }),
        },
      },
    });
    const cash = defineFeature({
      name: "cash",
      intents: {
        "cashflow.forecast": {
          permission: "cashflow.read",
          refusal: "No cash for a {role}.",
          handle: async () => {
            seen.push("cash");
            return { text: "cash" };
          },
        },
      },
    });
    const r = buildRegistry([router, cash]);
    await expect(
      r.run(noDeps, intent({ kind: "coach.message", text: "cash?" }), actor("rep")),
    ).rejects.toMatchObject({
      userMessage: "No cash for a rep.",
    });
    expect(seen).toEqual([]);
    await expect(
      r.run(noDeps, intent({ kind: "coach.message", text: "cash?" }), actor("finance")),
    ).resolves.toEqual({ text: "cash" });
  });

  it("refuses to start when two features claim one intent (no silent overwrite)", () => {
    const again = defineFeature({
      name: "deals-again",
      intents: { "deal.show": { permission: "deals.read", handle: async () => ({ text: "other" }) } },
    });
    expect(() => buildRegistry([dealsFeature, again])).toThrow(/deal\.show.*deals and deals-again/);
  });

  it("builds help and usage texts from the features' help lines", () => {
    expect(COMMANDS.map((c) => c.name)).toEqual([
      "help",
      "deals",
      "deal",
      "invoices",
      "collections",
      "remind",
      "drafts",
      "approve",
      "reject",
      "edit",
      "cashflow",
      "calibration",
      "forecast",
      "plan",
      "why",
      "goal",
      "usage",
      "digest",
      "settings",
      "sync",
    ]);
    expect(parseText("deal")).toMatchObject({ kind: "usage.error", message: "Usage: deal NAME" });
    expect(parseText("usage 2026-10")).toEqual({ kind: "usage.show", month: "2026-10" });
  });
});
