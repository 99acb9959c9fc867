import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { actorByEmail, ensureIdentityUser, requireTenant } from "../../src/core/features/tenancy/index.js";
import { createDispatcher } from "../../src/core/intents/dispatcher.js";
import type { Intent } from "../../src/core/intents/intent.js";
import { parseText } from "../../src/core/intents/parse.js";
import { registry } from "../../src/core/registry.js";
import { loadDemo } from "../../src/demo/load.js";
import { createTestDeps, type TestDeps } from "../support/deps.js";

describe("roles: unknown chat users are viewers until an owner assigns a role", () => {
  let d: TestDeps;
  let tenantId: string;
  beforeAll(async () => {
    d = await createTestDeps();
    await loadDemo(d);
    tenantId = (await requireTenant(d.db, "demo")).id;
  });
  afterAll(() => d.cleanup());

  const say = async (email: string, text: string, channel: "slack" | "console" = "console") => {
    const a = await actorByEmail(d.db, tenantId, email);
    const intent = {
      ...parseText(text),
      origin: { tenantId, userId: a.userId, channel, conversationId: "c" },
      idempotencyKey: randomUUID(),
    } as Intent;
    return createDispatcher(d, registry).dispatch(intent);
  };

  it("a new Slack user starts as viewer; the owner promotes them by mention", async () => {
    const newbie = await ensureIdentityUser(d.db, tenantId, "slack", "U0NEW", {
      name: "Nina New",
      email: "nina@demo.example",
    });
    expect(newbie.role).toBe("viewer");
    const r = await say("owner@demo.example", "settings role <@U0NEW> rep", "slack");
    expect(r.text).toBe("Nina New (nina@demo.example) is now a rep.");
    expect((await actorByEmail(d.db, tenantId, "nina@demo.example")).role).toBe("rep");
  });

  it("only owners assign roles; bad roles and unknown users are explained", async () => {
    expect((await say("manager@demo.example", "settings role sam@demo.example owner")).text).toMatch(
      /Only an owner/,
    );
    expect((await say("owner@demo.example", "settings role sam@demo.example boss")).text).toMatch(
      /Unknown role "boss"/,
    );
    expect((await say("owner@demo.example", "settings role ghost@demo.example rep")).text).toMatch(
      /no user matching/,
    );
    expect((await actorByEmail(d.db, tenantId, "sam@demo.example")).role).toBe("rep");
  });

  it("the last owner cannot demote themselves", async () => {
    expect((await say("owner@demo.example", "settings role owner@demo.example viewer")).text).toMatch(
      /only owner/,
    );
  });
});
