import { describe, expect, it } from "vitest";
import { tenantUnitKey } from "../../../src/jobs/tenant-units.js";

describe("tenantUnitKey: one tenant's share of a fire (sweeps, Stripe and Pipedrive syncs)", () => {
  it("is job:tenant:slot with the slot as an ISO instant", () => {
    expect(tenantUnitKey("stripe-sync", "t-1", new Date("2026-11-20T10:15:00Z"))).toBe(
      "stripe-sync:t-1:2026-11-20T10:15:00.000Z",
    );
  });

  it("differs per job, tenant and slot, so each is claimed on its own", () => {
    const slot = new Date("2026-11-20T10:15:00Z");
    const keys = new Set([
      tenantUnitKey("stripe-sync", "t-1", slot),
      tenantUnitKey("pipedrive-sync", "t-1", slot),
      tenantUnitKey("stripe-sync", "t-2", slot),
      tenantUnitKey("stripe-sync", "t-1", new Date("2026-11-20T10:30:00Z")),
    ]);
    expect(keys.size).toBe(4);
  });
});
