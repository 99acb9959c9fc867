import { describe, expect, it } from "vitest";
import { whatsappEnvSchema } from "../../../src/bots/whatsapp/config.js";
import { type InboundDeps, inboundDeps } from "../../../src/bots/whatsapp/inbound.js";
import { toE164 } from "../../../src/bots/whatsapp/phone.js";

// Stand-ins: inboundDeps passes these through untouched; only the config is read.
const base = { deps: {}, dispatcher: {}, menu: {}, tenantId: "t1", account: "cloud:1" } as unknown as Pick<
  InboundDeps,
  "deps" | "dispatcher" | "menu" | "tenantId" | "account"
>;

describe("inboundDeps: what both WhatsApp transports read from the config", () => {
  it("takes the allowlist as E.164 numbers and self set-up from the config", () => {
    const c = whatsappEnvSchema.parse({
      WHATSAPP_ALLOWLIST: "+1 555 000 0001; 49-151-0000002",
      WHATSAPP_SELF_SETUP: "true",
    });
    const d = inboundDeps(c, base);
    expect([...d.allowlist]).toEqual(["+15550000001", "+491510000002"]);
    expect(d.selfSetup).toBe(true);
    expect(d).toMatchObject({ tenantId: "t1", account: "cloud:1" });
  });

  it("without an allowlist or self set-up: every linked number, strangers refused", () => {
    const d = inboundDeps(whatsappEnvSchema.parse({}), base);
    expect(d.allowlist.size).toBe(0);
    expect(d.selfSetup).toBe(false);
  });

  it("reads allowlisted numbers as the transports read senders (toE164), so they match", () => {
    const d = inboundDeps(whatsappEnvSchema.parse({ WHATSAPP_ALLOWLIST: "+1 (555) 000-0001, 12" }), base);
    expect([...d.allowlist]).toEqual(["+15550000001"]);
    expect(d.allowlist.has(toE164("15550000001")!)).toBe(true);
    expect(d.allowlist.has(toE164("15550000001@c.us")!)).toBe(true);
  });
});
