import { describe, expect, it } from "vitest";
import { previousSlot } from "../../../src/jobs/cron-slots.js";

const at = (s: string) => new Date(s);

describe("cron slots (the key a fire is claimed under)", () => {
  it("maps a late or early timer to the slot it belongs to", () => {
    expect(previousSlot("*/15 * * * * *", at("2026-11-21T10:00:14.900Z"))).toEqual(
      at("2026-11-21T10:00:00Z"),
    );
    expect(previousSlot("*/15 * * * * *", at("2026-11-21T10:00:15.000Z"))).toEqual(
      at("2026-11-21T10:00:15Z"),
    );
    expect(previousSlot("* * * * *", at("2026-11-21T10:07:59Z"))).toEqual(at("2026-11-21T10:07:00Z"));
  });

  it("after an outage of days the latest slot is the only one (catch-up once)", () => {
    expect(previousSlot("0 6 * * *", at("2026-11-21T05:59:00Z"))).toEqual(at("2026-11-20T06:00:00Z"));
    expect(previousSlot("0 6 * * *", at("2026-11-24T13:00:00Z"))).toEqual(at("2026-11-24T06:00:00Z"));
  });

  it("honours weekday ranges: Sunday's latest weekday slot is Friday's", () => {
    expect(previousSlot("30 6 * * 1-5", at("2026-11-22T12:00:00Z"))).toEqual(at("2026-11-20T06:30:00Z"));
    expect(previousSlot("0 8 * * 1", at("2026-11-22T12:00:00Z"))).toEqual(at("2026-11-16T08:00:00Z"));
  });
});
