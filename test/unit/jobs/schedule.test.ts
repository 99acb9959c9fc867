import { describe, expect, it } from "vitest";
import {
  dueOccurrence,
  latestOccurrence,
  nextOccurrence,
  quietUntil,
  zonedToUtc,
} from "../../../src/core/features/digest/index.js";

const at = (s: string) => new Date(s);

describe("digest schedules in the recipient's time zone", () => {
  it("finds today's 08:00 in Berlin once it has passed, else yesterday's", () => {
    const s = { cadence: "daily" as const, atTime: "08:00", timezone: "Europe/Berlin" };
    expect(latestOccurrence(s, at("2026-11-21T07:30:00Z"))).toEqual({
      at: at("2026-11-21T07:00:00Z"),
      period: "daily:2026-11-21",
    });
    expect(latestOccurrence(s, at("2026-11-21T06:59:00Z"))).toEqual({
      at: at("2026-11-20T07:00:00Z"),
      period: "daily:2026-11-20",
    });
  });

  it("keeps local 08:00 across a daylight-saving change", () => {
    const s = { cadence: "daily" as const, atTime: "08:00", timezone: "America/New_York" };
    expect(latestOccurrence(s, at("2026-03-07T20:00:00Z"))?.at).toEqual(at("2026-03-07T13:00:00Z")); // EST
    expect(latestOccurrence(s, at("2026-03-09T20:00:00Z"))?.at).toEqual(at("2026-03-09T12:00:00Z")); // EDT
    expect(zonedToUtc(2026, 3, 8, 2, 30, "America/New_York").toISOString()).toBe("2026-03-08T07:30:00.000Z"); // gap → later side
  });

  it("weekly digests fall on their weekday; the period is the local date", () => {
    const s = { cadence: "weekly" as const, weekday: 1, atTime: "09:00", timezone: "Asia/Tokyo" };
    // Saturday 2026-11-21 in Tokyo: the latest Monday 09:00 JST is 2026-11-16 00:00 UTC.
    expect(latestOccurrence(s, at("2026-11-21T03:00:00Z"))).toEqual({
      at: at("2026-11-16T00:00:00Z"),
      period: "weekly:2026-11-16",
    });
    expect(nextOccurrence(s, at("2026-11-21T03:00:00Z"))).toEqual(at("2026-11-23T00:00:00Z"));
  });

  it("after days of downtime only the latest period is due — one catch-up, not one per missed day", () => {
    const sub = {
      cadence: "daily" as const,
      atTime: "08:00",
      timezone: "UTC",
      lastPeriod: "daily:2026-11-17",
      createdAt: at("2026-11-01T00:00:00Z"),
    };
    const d = dueOccurrence(sub, at("2026-11-21T10:00:00Z"));
    expect(d).toEqual({
      due: true,
      occurrence: { at: at("2026-11-21T08:00:00Z"), period: "daily:2026-11-21" },
    });
    expect(
      dueOccurrence({ ...sub, lastPeriod: "daily:2026-11-21" }, at("2026-11-21T10:00:00Z")),
    ).toMatchObject({ due: false, reason: "delivered" });
  });

  it("a subscription made after today's time waits for tomorrow", () => {
    const sub = {
      cadence: "daily" as const,
      atTime: "08:00",
      timezone: "UTC",
      lastPeriod: null,
      createdAt: at("2026-11-21T09:00:00Z"),
    };
    expect(dueOccurrence(sub, at("2026-11-21T09:30:00Z"))).toMatchObject({ due: false, reason: "not-yet" });
    expect(dueOccurrence(sub, at("2026-11-22T08:00:00Z"))).toMatchObject({ due: true });
  });

  it("quiet hours wrap midnight and hold a due digest until they end", () => {
    const q = { quietStart: "22:00", quietEnd: "07:00", timezone: "Europe/Lisbon" };
    expect(quietUntil(q, at("2026-11-21T23:30:00Z"))).toEqual(at("2026-11-22T07:00:00Z"));
    expect(quietUntil(q, at("2026-11-22T06:59:00Z"))).toEqual(at("2026-11-22T07:00:00Z"));
    expect(quietUntil(q, at("2026-11-22T07:00:00Z"))).toBeNull();
    const sub = {
      cadence: "daily" as const,
      atTime: "06:00",
      ...q,
      lastPeriod: null,
      createdAt: at("2026-11-01T00:00:00Z"),
    };
    expect(dueOccurrence(sub, at("2026-11-22T06:10:00Z"))).toEqual({
      due: false,
      reason: "quiet",
      until: at("2026-11-22T07:00:00Z"),
    });
    expect(dueOccurrence(sub, at("2026-11-22T07:01:00Z"))).toMatchObject({
      due: true,
      occurrence: { period: "daily:2026-11-22" },
    });
  });
});
