import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import {
  classifyDisconnect,
  type DisconnectClass,
  Supervisor,
} from "../../../src/bots/whatsapp/webjs/supervisor.js";
import { createLogger } from "../../../src/core/infra/logger.js";
import { FakeWebjsClient } from "./fake-webjs-client.js";

function setup(maxRestartsPerHour = 3, prepare?: (c: FakeWebjsClient, i: number) => void) {
  const clients: FakeWebjsClient[] = [];
  const halts: { reason: string; cls: DisconnectClass }[] = [];
  const sup = new Supervisor<FakeWebjsClient>({
    createClient: () => {
      const c = new FakeWebjsClient();
      prepare?.(c, clients.length);
      clients.push(c);
      return c;
    },
    logger: createLogger({ level: "silent" }),
    maxRestartsPerHour,
    baseDelayMs: 1_000,
    maxDelayMs: 8_000,
    onHalt: (reason, cls) => {
      halts.push({ reason, cls });
    },
  });
  const last = () => clients[clients.length - 1]!;
  return { sup, clients, halts, last };
}

describe("classifyDisconnect", () => {
  it.each([
    ["LOGOUT", "logout"],
    ["UNPAIRED", "logout"],
    ["UNPAIRED_IDLE", "logout"],
    ["TOS_BLOCK", "fatal"],
    ["SMB_TOS_BLOCK", "fatal"],
    ["DEPRECATED_VERSION", "fatal"],
    ["NAVIGATION", "transient"],
    ["CONFLICT", "transient"],
    ["TIMEOUT", "transient"],
    ["Max qrcode retries reached", "transient"],
  ])("%s → %s", (reason, cls) => expect(classifyDisconnect(reason)).toBe(cls));
});

describe("whatsapp-web.js supervisor", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it("becomes ready on the ready event and remembers the QR until then", async () => {
    const { sup, last } = setup();
    await sup.start();
    last().emit("qr", "2@qr-data");
    expect(sup.state).toBe("qr");
    expect(sup.lastQr).toBe("2@qr-data");
    last().emit("authenticated");
    last().emit("ready");
    expect(sup.state).toBe("ready");
    expect(sup.ready).toBe(last());
    expect(sup.lastQr).toBeUndefined();
  });

  it.each(["LOGOUT", "UNPAIRED"])(
    "on %s stops for good: destroys the client, alerts once, never restarts",
    async (reason) => {
      const { sup, clients, halts, last } = setup();
      await sup.start();
      last().emit("ready");
      last().emit("disconnected", reason);
      await vi.advanceTimersByTimeAsync(0);
      expect(sup.state).toBe("stopped");
      expect(sup.ready).toBeNull();
      expect(clients[0]!.destroyed).toBe(1);
      expect(halts).toEqual([{ reason, cls: "logout" }]);
      await vi.advanceTimersByTimeAsync(3_600_000);
      expect(clients).toHaveLength(1);
    },
  );

  it("auth_failure is treated like a logout", async () => {
    const { sup, halts, last } = setup();
    await sup.start();
    last().emit("auth_failure", "Unable to log in. Are the session details valid?");
    await vi.advanceTimersByTimeAsync(0);
    expect(sup.state).toBe("stopped");
    expect(halts).toEqual([{ reason: "AUTH_FAILURE", cls: "logout" }]);
  });

  it("restarts after NAVIGATION with exponential backoff, and resets the backoff once ready", async () => {
    const { sup, clients, last } = setup(10);
    await sup.start();
    last().emit("ready");
    last().emit("disconnected", "NAVIGATION");
    await vi.advanceTimersByTimeAsync(0);
    expect(sup.state).toBe("restarting");
    await vi.advanceTimersByTimeAsync(999);
    expect(clients).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(clients).toHaveLength(2);
    expect(clients[1]!.initialized).toBe(1);
    last().emit("disconnected", "CONFLICT"); // before ready: backoff doubles
    await vi.advanceTimersByTimeAsync(1_999);
    expect(clients).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(1);
    expect(clients).toHaveLength(3);
    last().emit("ready");
    last().emit("disconnected", "TIMEOUT");
    await vi.advanceTimersByTimeAsync(1_000);
    expect(clients).toHaveLength(4);
  });

  it("a failed browser launch is retried like a transient disconnect", async () => {
    const { sup, clients, halts } = setup(5, (c, i) => {
      if (i === 0) c.failInitialize = new Error("Failed to launch the browser process!");
    });
    await sup.start();
    await vi.advanceTimersByTimeAsync(0);
    expect(sup.state).toBe("restarting");
    expect(clients[0]!.destroyed).toBe(1);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(clients).toHaveLength(2);
    clients[1]!.emit("ready");
    expect(sup.state).toBe("ready");
    expect(halts).toEqual([]);
  });

  it("gives up after the restart cap per hour and alerts instead of looping", async () => {
    const { sup, clients, halts, last } = setup(3);
    await sup.start();
    for (let i = 0; i < 3; i++) {
      last().emit("disconnected", "NAVIGATION");
      await vi.advanceTimersByTimeAsync(10_000);
    }
    expect(clients).toHaveLength(4);
    last().emit("disconnected", "NAVIGATION");
    await vi.advanceTimersByTimeAsync(3_600_000);
    expect(clients).toHaveLength(4);
    expect(sup.state).toBe("stopped");
    expect(halts).toEqual([{ reason: "RESTART_CAP", cls: "fatal" }]);
  });

  it("late events from a replaced client are ignored", async () => {
    const { sup, clients, halts } = setup();
    await sup.start();
    clients[0]!.emit("disconnected", "NAVIGATION");
    await vi.advanceTimersByTimeAsync(1_000);
    clients[0]!.emit("disconnected", "LOGOUT");
    clients[0]!.emit("ready");
    await vi.advanceTimersByTimeAsync(0);
    expect(halts).toEqual([]);
    expect(sup.state).toBe("starting");
  });

  it("stop() during a scheduled restart cancels it without alerting", async () => {
    const { sup, clients, halts } = setup();
    await sup.start();
    clients[0]!.emit("disconnected", "NAVIGATION");
    await vi.advanceTimersByTimeAsync(0);
    await sup.stop();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(clients).toHaveLength(1);
    expect(halts).toEqual([]);
  });
});
