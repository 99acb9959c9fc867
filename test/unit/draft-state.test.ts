import { describe, expect, it } from "vitest";
import { isPending, isTerminal, nextStatus, textDiff } from "../../src/core/features/drafts/state.js";

describe("draft state machine", () => {
  it("follows drafted → edited → approved → scheduled → sent", () => {
    expect(nextStatus("drafted", "edited")).toBe("edited");
    expect(nextStatus("edited", "edited")).toBe("edited");
    expect(nextStatus("edited", "approved")).toBe("approved");
    expect(nextStatus("approved", "scheduled")).toBe("scheduled");
    expect(nextStatus("scheduled", "sent")).toBe("sent");
  });

  it("refuses skipping approval and leaving terminal states", () => {
    expect(nextStatus("drafted", "sent")).toBeNull();
    expect(nextStatus("drafted", "scheduled")).toBeNull();
    expect(nextStatus("approved", "rejected")).toBeNull();
    for (const s of ["sent", "rejected", "expired"] as const) {
      expect(isTerminal(s)).toBe(true);
      expect(nextStatus(s, "approved")).toBeNull();
    }
  });

  it("only drafted and edited drafts are pending a decision", () => {
    expect(isPending("drafted")).toBe(true);
    expect(isPending("edited")).toBe(true);
    expect(isPending("approved")).toBe(false);
    expect(nextStatus("drafted", "expired")).toBe("expired");
  });

  it("records line diffs of edits", () => {
    expect(textDiff("Hi\nPay now\nBye", "Hi\nPlease pay\nBye")).toEqual({
      removed: ["Pay now"],
      added: ["Please pay"],
    });
  });
});
