import { describe, expect, it } from "vitest";
import { paceChannel } from "../../../src/core/features/outbox/index.js";
import { MemoryStore } from "../../../src/core/infra/store/index.js";

/** A store that records which keys the outbox reserves slots on. */
class RecordingStore extends MemoryStore {
  readonly paced: { key: string; gapMs: number }[] = [];
  override async pace(key: string, gapMs: number): Promise<number> {
    this.paced.push({ key, gapMs });
    return super.pace(key, gapMs);
  }
}

describe("outbox pacing: one layer per channel", () => {
  it("leaves Slack, WhatsApp and the console to their adapters (no outbox slot reserved)", async () => {
    const store = new RecordingStore();
    for (const channel of ["slack", "whatsapp", "console"])
      for (let i = 0; i < 3; i++) await paceChannel(store, channel, "same-address");
    expect(store.paced).toEqual([]);
  });

  it("paces email, which no adapter paces, per address through the store", async () => {
    const store = new RecordingStore();
    await paceChannel(store, "email", "a@example.com");
    await paceChannel(store, "email", "a@example.com");
    expect(store.paced).toEqual([
      { key: "outbox:pace:email:a@example.com", gapMs: 100 },
      { key: "outbox:pace:email:a@example.com", gapMs: 100 },
    ]);
  });
});
