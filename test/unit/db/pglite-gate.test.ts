import { describe, expect, it } from "vitest";
import { PgliteGate } from "../../../src/core/infra/db/pglite-gate.js";

/** A statement stand-in: records when it starts, finishes after a microtask. */
function statement(log: string[], name: string) {
  return async () => {
    log.push(`start ${name}`);
    await Promise.resolve();
    log.push(`end ${name}`);
    return name;
  };
}

describe("the embedded database gate", () => {
  it("runs one statement at a time, in order, and returns each result", async () => {
    const gate = new PgliteGate();
    const log: string[] = [];
    const results = await Promise.all(["a", "b", "c"].map((n) => gate.run(statement(log, n))));
    expect(results).toEqual(["a", "b", "c"]);
    expect(log).toEqual(["start a", "end a", "start b", "end b", "start c", "end c"]);
  });

  it("lets urgent work (the inbox record before an ack) go ahead of queued background statements", async () => {
    const gate = new PgliteGate();
    const log: string[] = [];
    const background = ["b1", "b2", "b3"].map((n) => gate.run(statement(log, n)));
    const urgent = gate.urgent(() => gate.run(statement(log, "ack")));
    await Promise.all([...background, urgent]);
    expect(log.indexOf("start ack")).toBeLessThan(log.indexOf("start b1"));
  });

  it("gives the event loop a turn between background statements, so sockets are read meanwhile", async () => {
    const gate = new PgliteGate();
    const log: string[] = [];
    const work = ["b1", "b2"].map((n) => gate.run(statement(log, n)));
    setImmediate(() => log.push("io"));
    await Promise.all(work);
    expect(log.indexOf("io")).toBeGreaterThan(-1);
    expect(log.indexOf("io")).toBeLessThan(log.indexOf("start b2"));
  });

  it("passes a failure to its caller and goes on with the next statement", async () => {
    const gate = new PgliteGate();
    const failing = gate.run(async () => {
      throw new Error("duplicate key");
    });
    const thrownSync = gate.run((() => {
      throw new Error("bad call");
    }) as () => Promise<never>);
    const next = gate.run(async () => "next");
    await expect(failing).rejects.toThrow("duplicate key");
    await expect(thrownSync).rejects.toThrow("bad call");
    await expect(next).resolves.toBe("next");
    expect(gate.waiting).toBe(0);
  });

  it("keeps urgent marking to the work inside urgent()", async () => {
    const gate = new PgliteGate();
    const log: string[] = [];
    await gate.urgent(async () => {});
    const bg = ["b1", "b2"].map((n) => gate.run(statement(log, n)));
    const late = gate.run(statement(log, "b3"));
    await Promise.all([...bg, late]);
    expect(log.filter((l) => l.startsWith("start"))).toEqual(["start b1", "start b2", "start b3"]);
  });
});
