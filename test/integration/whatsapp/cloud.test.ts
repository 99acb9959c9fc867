import { and, eq, like } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { ensureIdentityUser, requireTenant } from "../../../src/core/features/tenancy/index.js";
import {
  channelLinks,
  drafts,
  idempotencyKeys,
  identities,
  outbox,
  users,
} from "../../../src/core/infra/db/schema/index.js";
import { soloOwnerPolicy } from "../../support/solo-owner.js";
import {
  buttonReply,
  type CloudHarness,
  cloudHarness,
  inbound,
  PNID,
  status,
  text,
  VERIFY,
} from "./cloud-harness.js";

const OWNER = "+15550000001";
type Sent = {
  type: string;
  to: string;
  text?: { body: string };
  interactive?: { body: { text: string }; action: { buttons: { reply: { id: string; title: string } }[] } };
};

describe("WhatsApp Cloud API transport over HTTP", () => {
  let h: CloudHarness;
  const sent = () => h.graph.messages() as unknown as Sent[];
  const lastText = () => {
    const m = sent().at(-1)!;
    return m.text?.body ?? m.interactive?.body.text ?? "";
  };

  beforeAll(async () => {
    h = await cloudHarness();
    // The WhatsApp owner here runs the business alone (four eyes off): these tests are about the transport.
    await soloOwnerPolicy(h.d, h.tenantId);
  });
  afterAll(() => h.close());
  beforeEach(() => h.graph.reset());

  describe("webhook verification handshake", () => {
    it("echoes hub.challenge for the right verify token", async () => {
      const res = await h.app.request(
        `/whatsapp/webhook?hub.mode=subscribe&hub.verify_token=${VERIFY}&hub.challenge=1158201444`,
      );
      expect(res.status).toBe(200);
      expect(await res.text()).toBe("1158201444");
    });

    it("refuses a wrong verify token", async () => {
      const res = await h.app.request(
        "/whatsapp/webhook?hub.mode=subscribe&hub.verify_token=nope&hub.challenge=42",
      );
      expect(res.status).toBe(403);
      expect(await res.text()).not.toContain("42");
    });
  });

  describe("signatures", () => {
    const keys = () =>
      h.d.db.tenantTx(h.tenantId, (tx) =>
        tx.select().from(idempotencyKeys).where(like(idempotencyKeys.key, "whatsapp:%")),
      );

    it("a forged X-Hub-Signature-256 is refused with 403 and causes no work", async () => {
      const before = (await keys()).length;
      const res = await h.post(text(OWNER, "deals"), `sha256=${"ab".repeat(32)}`);
      expect(res.status).toBe(403);
      expect(h.graph.calls).toHaveLength(0);
      expect((await keys()).length).toBe(before);
    });

    it("a body signed with another secret, or no signature, is refused", async () => {
      const { signBody } = await import("../../../src/bots/whatsapp/cloud/signature.js");
      const body = text(OWNER, "deals");
      expect((await h.post(body, signBody(JSON.stringify(body), "wrong-secret"))).status).toBe(403);
      expect((await h.post(body, null)).status).toBe(401);
      expect(h.graph.calls).toHaveLength(0);
    });
  });

  it("answers a text command from a known number with WhatsApp formatting", async () => {
    const res = await h.post(text(OWNER, "deal Acme Logistics"));
    expect(res.status).toBe(200);
    expect(sent().length).toBeGreaterThanOrEqual(1);
    expect(sent().every((m) => m.to === "15550000001")).toBe(true);
    const all = sent()
      .map((m) => m.text?.body ?? m.interactive?.body.text ?? "")
      .join("\n");
    expect(all).toContain("Acme Logistics");
    expect(all).not.toContain("**");
  });

  it("processes a duplicate message id once", async () => {
    const body = text(OWNER, "deals");
    await h.post(body);
    const once = sent().length;
    expect(once).toBeGreaterThan(0);
    await h.post(body);
    await Promise.all([h.post(body), h.post(body)]);
    expect(sent()).toHaveLength(once);
  });

  it("answers an unknown command with help", async () => {
    await h.post(text(OWNER, "blorp"));
    expect(lastText()).toContain("Here is what I understand");
    expect(lastText()).toContain("cashflow");
  });

  it("answers media it does not handle with a polite text", async () => {
    await h.post(
      inbound(OWNER, { type: "image", image: { mime_type: "image/jpeg", sha256: "abc", id: "1234567890" } }),
    );
    expect(sent()).toHaveLength(1);
    expect(lastText()).toMatch(/can't read image messages/);
  });

  it("approves a draft with a reply button: exactly one Graph send of the draft", async () => {
    await h.post(text(OWNER, "remind Acme Logistics"));
    const offer = sent().at(-1)!;
    expect(offer.type).toBe("interactive");
    const buttons = offer.interactive!.action.buttons.map((b) => b.reply);
    expect(buttons.map((b) => b.title)).toEqual(["Approve", "Edit", "Reject"]);
    expect(buttons.every((b) => /^k[\w-]+$/.test(b.id) && !b.id.includes("draft"))).toBe(true);
    const [draft] = await h.d.db.tenantTx(h.tenantId, (tx) =>
      tx.select().from(drafts).where(eq(drafts.status, "drafted")),
    );
    h.graph.reset();
    await h.post(buttonReply(OWNER, buttons[0]!.id, "Approve"));
    await h.post(buttonReply(OWNER, buttons[0]!.id, "Approve")); // pressed twice
    const firstLine = draft!.body.split("\n")[0]!;
    const draftSends = sent().filter((m) => m.text?.body.includes(firstLine));
    expect(draftSends).toHaveLength(1);
    expect(sent().some((m) => m.text?.body.includes("Approved draft"))).toBe(true);
    const [row] = await h.d.db.tenantTx(h.tenantId, (tx) =>
      tx.select().from(drafts).where(eq(drafts.id, draft!.id)),
    );
    expect(row!.status).toBe("sent");
  });

  it("rejects with a numbered answer and edits with the next message", async () => {
    await h.post(text(OWNER, "remind Acme Logistics"));
    await h.post(text(OWNER, "3"));
    expect(lastText()).toMatch(/Rejected draft #\d+\. Nothing was sent\./);
    await h.post(text(OWNER, "remind Acme Logistics"));
    await h.post(text(OWNER, "2"));
    expect(lastText()).toContain("Send the new text");
    await h.post(text(OWNER, "Hi team, just checking in on the forklift order."));
    expect(lastText()).toMatch(/Draft #\d+ updated/);
    const edited = await h.d.db.tenantTx(h.tenantId, (tx) =>
      tx.select().from(drafts).where(eq(drafts.status, "edited")),
    );
    expect(edited.map((x) => x.body)).toContain("Hi team, just checking in on the forklift order.");
  });

  it("an expired or foreign button id does nothing", async () => {
    await h.post(buttonReply(OWNER, "kNOTAREALREF123", "Approve"));
    expect(lastText()).toContain("expired");
  });

  it("status webhooks update the outbox row, never going backwards", async () => {
    await h.post(text(OWNER, "deals"));
    const [row] = await h.d.db
      .tenantTx(h.tenantId, (tx) =>
        tx.select().from(outbox).where(like(outbox.dedupeKey, "whatsapp:reply:%")).orderBy(outbox.createdAt),
      )
      .then((rows) => rows.slice(-1));
    expect(row!.channelMessageId).toMatch(/^wamid\.FAKE/);
    const get = async () =>
      (await h.d.db.tenantTx(h.tenantId, (tx) => tx.select().from(outbox).where(eq(outbox.id, row!.id))))[0]!;
    await h.post(status(row!.channelMessageId!, "delivered"));
    expect((await get()).deliveryStatus).toBe("delivered");
    await h.post(status(row!.channelMessageId!, "read"));
    await h.post(status(row!.channelMessageId!, "delivered"));
    expect((await get()).deliveryStatus).toBe("read");
    await h.post(status(row!.channelMessageId!, "failed"));
    expect((await get()).deliveryStatus).toBe("failed");
    expect((await get()).lastError).toContain("131026");
  });

  describe("unknown numbers and other tenants", () => {
    it("an unknown number gets one polite refusal a day and nothing else", async () => {
      await h.post(text("+447700900123", "deals"));
      await h.post(text("+447700900123", "cashflow 90"));
      expect(sent()).toHaveLength(1);
      expect(lastText()).toContain("does not recognise your number");
      expect(lastText()).not.toMatch(/Acme|\$/);
    });

    it("a number of another tenant never reaches this tenant's data", async () => {
      const b = await requireTenant(h.d.db, "demo-b");
      await ensureIdentityUser(h.d.db, b.id, "whatsapp", "+15559990001", {
        name: "Hana Baker",
        email: "owner@harbor.example",
      });
      await h.d.db.tenantTx(b.id, (tx) =>
        tx.insert(channelLinks).values({ tenantId: b.id, channel: "whatsapp", externalId: "999000111222" }),
      );
      await h.post(text("+15559990001", "deal Acme Logistics"));
      expect(sent()).toHaveLength(1);
      expect(lastText()).toContain("does not recognise your number");
      expect(lastText()).not.toContain("forklift");
      // A webhook for the other tenant's business number is not ours to answer.
      h.graph.reset();
      const res = await h.post(text("+15559990001", "deals", "999000111222"));
      expect(res.status).toBe(200);
      expect(h.graph.calls).toHaveLength(0);
      const hana = await h.d.db.tenantTx(h.tenantId, (tx) =>
        tx
          .select()
          .from(identities)
          .innerJoin(users, eq(users.id, identities.userId))
          .where(and(eq(identities.externalId, "+15559990001"))),
      );
      expect(hana).toHaveLength(0);
    });
  });

  it("the allowlist refuses numbers not on it even when they are users", async () => {
    const h2 = await cloudHarness({ WHATSAPP_ALLOWLIST: "+1 555 000 0002" });
    try {
      await h2.post(text(OWNER, "deals"));
      expect((h2.graph.messages()[0] as unknown as Sent).text?.body).toContain(
        "does not recognise your number",
      );
      await h2.post(text("+15550000002", "deals"));
      expect((h2.graph.messages()[1] as unknown as Sent).text?.body).not.toContain("does not recognise");
    } finally {
      await h2.close();
    }
  });

  it("channel link: the business number belongs to the demo tenant", async () => {
    const { tenantForChannel } = await import("../../../src/core/features/tenancy/index.js");
    expect(await tenantForChannel(h.d.db, "whatsapp", PNID)).toBe(h.tenantId);
  });
});
