import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { WEBJS_STATES } from "../../../src/bots/whatsapp/webjs/states.js";
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
  const lost: string[] = [];
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
    onSessionLost: (reason) => {
      lost.push(reason);
    },
  });
  const last = () => clients[clients.length - 1]!;
  return { sup, clients, halts, lost, last };
}

const lib = createRequire(import.meta.url);
const Constants = lib("whatsapp-web.js/src/util/Constants.js") as { WAState: Record<string, string> };
const clientSource = readFileSync(lib.resolve("whatsapp-web.js/src/Client.js"), "utf8");

describe("whatsapp-web.js states, as the installed library treats them", () => {
  const states = Object.values(Constants.WAState);

  it("every WAState of the installed library is classified (a new library state fails here)", () => {
    expect(states.length).toBeGreaterThan(5);
    const unclassified = states.filter((s) => !(s in WEBJS_STATES));
    expect(unclassified).toEqual([]);
    expect(Object.keys(WEBJS_STATES).sort()).toEqual([...states].sort());
  });

  it("the states the library accepts are exactly its ACCEPTED_STATES; every other one deletes the session", () => {
    // Client.js: `const ACCEPTED_STATES = [WAState.CONNECTED, …]`; anything else → authStrategy.disconnect().
    const block = /const ACCEPTED_STATES = \[([^\]]*)\]/.exec(clientSource)?.[1];
    expect(block).toBeDefined();
    const accepted = [...block!.matchAll(/WAState\.(\w+)/g)].map((m) => Constants.WAState[m[1]!]);
    expect(clientSource).toMatch(/takeoverOnConflict\) \{\s*ACCEPTED_STATES\.push\(WAState\.CONFLICT\)/);
    expect(clientSource).toMatch(
      /await this\.authStrategy\.disconnect\(\);\s*this\.emit\(Events\.DISCONNECTED, state\)/,
    );
    for (const s of states) {
      const info = WEBJS_STATES[s]!;
      if (accepted.includes(s)) expect([s, info.library]).toEqual([s, "accepted"]);
      else if (s === "CONFLICT") expect(info.library).toBe("accepted_with_takeover");
      else expect([s, info.library]).toEqual([s, "session_deleted"]);
      // A state after which the library deleted the session is never restarted as transient.
      if (info.library !== "accepted") expect([s, classifyDisconnect(s)]).not.toEqual([s, "transient"]);
    }
  });

  it.each([
    ["LOGOUT", "session_lost"],
    ["UNPAIRED", "session_lost"],
    ["UNPAIRED_IDLE", "session_lost"],
    ["CONFLICT", "session_lost"],
    ["PROXYBLOCK", "session_lost"],
    ["UNLAUNCHED", "session_lost"],
    ["AUTH_FAILURE", "session_lost"],
    ["TOS_BLOCK", "fatal"],
    ["SMB_TOS_BLOCK", "fatal"],
    ["DEPRECATED_VERSION", "fatal"],
    ["TIMEOUT", "transient"],
    ["INIT_FAILED", "transient"],
    ["Max qrcode retries reached", "transient"],
    ["SOMETHING_NEW", "transient"],
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

  it.each(["LOGOUT", "UNPAIRED", "UNPAIRED_IDLE", "CONFLICT", "PROXYBLOCK", "UNLAUNCHED"])(
    "on %s (session deleted by the library) alerts the owner once and relaunches for a new QR code",
    async (reason) => {
      const { sup, clients, halts, lost, last } = setup(10);
      await sup.start();
      last().emit("ready");
      last().emit("disconnected", reason);
      await vi.advanceTimersByTimeAsync(0);
      expect(lost).toEqual([reason]);
      expect(halts).toEqual([]);
      expect(sup.ready).toBeNull();
      expect(sup.lostReason).toBe(reason);
      expect(clients[0]!.destroyed).toBe(1);
      await vi.advanceTimersByTimeAsync(1_000);
      expect(clients).toHaveLength(2);
      last().emit("qr", "2@new-login");
      expect(sup.state).toBe("qr");
      expect(sup.lastQr).toBe("2@new-login");
      // The QR nobody scanned yet expires and the library loses it again: still one alert.
      last().emit("disconnected", reason);
      await vi.advanceTimersByTimeAsync(10_000);
      expect(lost).toEqual([reason]);
      expect(clients).toHaveLength(3);
      // Scanned: ready again; a later loss is a new incident and alerts again.
      last().emit("ready");
      expect(sup.lostReason).toBeUndefined();
      last().emit("disconnected", reason);
      await vi.advanceTimersByTimeAsync(0);
      expect(lost).toEqual([reason, reason]);
    },
  );

  it.each(["TOS_BLOCK", "SMB_TOS_BLOCK", "DEPRECATED_VERSION"])(
    "on %s stops for good: destroys the client, alerts once, never restarts",
    async (reason) => {
      const { sup, clients, halts, lost, last } = setup();
      await sup.start();
      last().emit("ready");
      last().emit("disconnected", reason);
      await vi.advanceTimersByTimeAsync(0);
      expect(sup.state).toBe("stopped");
      expect(sup.ready).toBeNull();
      expect(clients[0]!.destroyed).toBe(1);
      expect(halts).toEqual([{ reason, cls: "fatal" }]);
      expect(lost).toEqual([]);
      await vi.advanceTimersByTimeAsync(3_600_000);
      expect(clients).toHaveLength(1);
    },
  );

  it("auth_failure (stored session refused) is a lost session: one alert and a new QR", async () => {
    const { sup, lost, clients, last } = setup();
    await sup.start();
    last().emit("auth_failure", "Unable to log in. Are the session details valid?");
    await vi.advanceTimersByTimeAsync(0);
    expect(lost).toEqual(["AUTH_FAILURE"]);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(clients).toHaveLength(2);
    expect(sup.state).toBe("starting");
  });

  it("stop() while the session-lost alert is being sent does not relaunch", async () => {
    let release: () => void = () => undefined;
    const clients: FakeWebjsClient[] = [];
    const sup = new Supervisor<FakeWebjsClient>({
      createClient: () => {
        const c = new FakeWebjsClient();
        clients.push(c);
        return c;
      },
      logger: createLogger({ level: "silent" }),
      maxRestartsPerHour: 5,
      baseDelayMs: 1_000,
      onHalt: () => undefined,
      onSessionLost: () => new Promise<void>((r) => (release = r)),
    });
    await sup.start();
    clients[0]!.emit("disconnected", "CONFLICT");
    await vi.advanceTimersByTimeAsync(0);
    await sup.stop();
    release();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(clients).toHaveLength(1);
    expect(sup.state).toBe("stopped");
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
    last().emit("disconnected", "Max qrcode retries reached"); // before ready: backoff doubles
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
