import { eq } from "drizzle-orm";
import { afterEach, describe, expect, it } from "vitest";
import { deliverDue, enqueue } from "../../../src/core/features/outbox/index.js";
import { outbox } from "../../../src/core/infra/db/schema/index.js";
import { fixedClock } from "../../../src/core/ports/clock.js";
import { type CloudHarness, cloudHarness, text } from "./cloud-harness.js";

const OWNER = "+15550000001";
const HOUR = 3_600_000;

describe("WhatsApp Cloud API 24-hour customer service window", () => {
  let h: CloudHarness | undefined;
  afterEach(() => h?.close());

  async function queueDigest(harness: CloudHarness, key: string) {
    await harness.d.db.tenantTx(harness.tenantId, (tx) =>
      enqueue(
        tx,
        {
          tenantId: harness.tenantId,
          dedupeKey: key,
          target: { channel: "whatsapp", address: OWNER },
          payload: { text: "**Weekly digest**: pipeline $1.2M" },
        },
        harness.d.clock.now(),
      ),
    );
    return deliverDue(harness.d, harness.d.channels, harness.tenantId);
  }

  it("inside the window free text is sent; outside it the approved template is used instead", async () => {
    const clock = fixedClock(new Date(Date.now() + 5_000));
    h = await cloudHarness(
      {
        WHATSAPP_CLOUD_TEMPLATE: "keel_update",
        WHATSAPP_CLOUD_TEMPLATE_LANG: "en_GB",
        WHATSAPP_CLOUD_TEMPLATE_BODY_PARAM: "true",
      },
      clock,
    );
    await h.post(text(OWNER, "help"));
    clock.advance(23 * HOUR);
    await queueDigest(h, "digest:1");
    expect(h.graph.messages().at(-1)).toMatchObject({
      type: "text",
      text: { body: "*Weekly digest*: pipeline $1.2M" },
    });
    clock.advance(2 * HOUR);
    const report = await queueDigest(h, "digest:2");
    expect(report.sent).toBe(1);
    const last = h.graph.messages().at(-1)!;
    expect(last).toMatchObject({
      type: "template",
      to: "15550000001",
      template: { name: "keel_update", language: { code: "en_GB" } },
    });
    expect(JSON.stringify(last)).toContain("Weekly digest");
    expect(
      h.graph.messages().filter((m) => m.type === "text" && JSON.stringify(m).includes("$1.2M")),
    ).toHaveLength(1);
  });

  it("without a template the message is held with a clear reason and sent once the contact writes again", async () => {
    const clock = fixedClock(new Date(Date.now() + 5_000));
    h = await cloudHarness({}, clock);
    await h.post(text(OWNER, "help"));
    clock.advance(25 * HOUR);
    const before = h.graph.messages().length;
    const report = await queueDigest(h, "digest:held");
    // Held, not failed: the attempt is given back and the row stays pending.
    expect(report.failed).toBe(0);
    expect(report.results[0]?.status).toBe("deferred");
    expect(h.graph.messages().length).toBe(before);
    const [row] = await h.d.db.tenantTx(h.tenantId, (tx) =>
      tx.select().from(outbox).where(eq(outbox.dedupeKey, "digest:held")),
    );
    expect(row!.lastError).toMatch(/^held: .*24-hour customer service window.*WHATSAPP_CLOUD_TEMPLATE/);
    expect(row!.status).toBe("pending");
    expect(row!.attempts).toBe(0);
    // The contact writes again (window reopens): the held row becomes due at once and goes out.
    h.graph.reset();
    const later = new Date(clock.now().getTime() + 60_000);
    clock.set(later);
    const payload = text(OWNER, "deals");
    (payload.entry[0]!.changes[0]!.value.messages[0] as { timestamp: string }).timestamp = String(
      Math.floor(later.getTime() / 1000),
    );
    await h.post(payload);
    expect(h.graph.messages().some((m) => JSON.stringify(m).includes("Weekly digest"))).toBe(true);
  });
});
