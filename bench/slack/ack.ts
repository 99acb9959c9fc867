/**
 * Slash-command ack latency under load, Keel's Slack runtime side by side with a bare Bolt app.
 *   npx tsx bench/slack/ack.ts [--duration 60] [--rate 50] [--slow-ms 10000]
 * Each server runs in its own child process on 127.0.0.1; this process drives both at `rate`
 * requests/s each (open loop, interleaved) with correctly signed `/deal Acme` commands whose slow
 * path takes `slow-ms`, and records the time to the HTTP answer (the ack). Results are written to
 * bench/results/slack-ack.json and .md — recorded, not asserted. Set DATABASE_URL/REDIS_URL (e.g.
 * `. scratch/env.sh`) to run Keel on real Postgres/Redis; otherwise embedded PGlite.
 */
import { fork } from "node:child_process";
import { createHmac, randomUUID } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { FakeSlackApi } from "../../test/support/fake-slack-api.js";
import { SIGNING_SECRET, startBareBolt, startKeelServer } from "./servers.js";

const HERE = dirname(fileURLToPath(import.meta.url));
const { values } = parseArgs({
  options: {
    duration: { type: "string", default: "60" },
    rate: { type: "string", default: "50" },
    "slow-ms": { type: "string", default: "10000" },
    role: { type: "string" },
    "api-url": { type: "string" },
  },
});
const slowMs = Number(values["slow-ms"]);

if (values.role) {
  // Child: start one server and report its port.
  if (values.role === "keel") {
    const { port, cleanup } = await startKeelServer(values["api-url"]!, slowMs);
    process.once("SIGTERM", () => void cleanup().finally(() => process.exit(0)));
    process.send?.({ port });
  } else process.send?.({ port: await startBareBolt(values["api-url"]!, slowMs) });
} else {
  await drive();
}

function child(role: "keel" | "bare", apiUrl: string): Promise<{ port: number; kill: () => Promise<void> }> {
  const c = fork(
    fileURLToPath(import.meta.url),
    ["--role", role, "--api-url", apiUrl, "--slow-ms", String(slowMs)],
    { execArgv: process.execArgv, env: process.env, stdio: ["ignore", "ignore", "inherit", "ipc"] },
  );
  return new Promise((resolve, reject) => {
    c.once("message", (m) =>
      resolve({
        port: (m as { port: number }).port,
        // SIGTERM lets the Keel child drop its database; force after 20 s.
        kill: () =>
          new Promise<void>((done) => {
            const force = setTimeout(() => c.kill("SIGKILL"), 20_000);
            c.once("exit", () => {
              clearTimeout(force);
              done();
            });
            c.kill("SIGTERM");
          }),
      }),
    );
    c.once("exit", (code) => reject(new Error(`${role} server exited (${code})`)));
    c.once("error", reject);
  });
}

function signedCommand(port: number, responseUrl: string) {
  const body = new URLSearchParams({
    token: "legacy",
    team_id: "T0DEMO",
    team_domain: "demo",
    channel_id: "C0SALES",
    channel_name: "sales",
    user_id: "U0OWNER",
    user_name: "owner",
    command: "/deal",
    text: "Acme",
    api_app_id: "A0KEEL",
    response_url: responseUrl,
    trigger_id: `trig-${randomUUID()}`,
  }).toString();
  const ts = Math.floor(Date.now() / 1000);
  const sig = `v0=${createHmac("sha256", SIGNING_SECRET).update(`v0:${ts}:${body}`).digest("hex")}`;
  return fetch(`http://127.0.0.1:${port}/slack/events`, {
    method: "POST",
    headers: {
      "content-type": "application/x-www-form-urlencoded",
      "x-slack-request-timestamp": String(ts),
      "x-slack-signature": sig,
    },
    body,
  });
}

interface Stats {
  count: number;
  errors: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  over3s: number;
}

function stats(ms: number[], errors: number): Stats {
  const s = [...ms].sort((a, b) => a - b);
  const q = (p: number) => Number((s[Math.min(s.length - 1, Math.ceil(p * s.length) - 1)] ?? 0).toFixed(2));
  return {
    count: s.length,
    errors,
    p50: q(0.5),
    p90: q(0.9),
    p99: q(0.99),
    max: Number((s.at(-1) ?? 0).toFixed(2)),
    over3s: s.filter((x) => x > 3000).length,
  };
}

async function drive() {
  const duration = Number(values.duration);
  const rate = Number(values.rate);
  const loadBefore = loadavg()[0] ?? 0;
  const api = await new FakeSlackApi().start();
  const [keel, bare] = await Promise.all([child("keel", api.url), child("bare", api.url)]);
  const lat = { keel: [] as number[], bare: [] as number[] };
  const errs = { keel: 0, bare: 0 };
  const one = async (name: "keel" | "bare", port: number) => {
    const t = performance.now();
    try {
      const res = await signedCommand(port, api.responseUrl(`${name}-${randomUUID()}`));
      await res.arrayBuffer();
      if (res.status !== 200) errs[name]++;
      else lat[name].push(performance.now() - t);
    } catch {
      errs[name]++;
    }
  };
  // Warm-up (first auth.test, JIT), not recorded.
  for (let i = 0; i < 20; i++)
    await Promise.all([
      signedCommand(keel.port, api.responseUrl("warm")).then((r) => r.arrayBuffer()),
      signedCommand(bare.port, api.responseUrl("warm")).then((r) => r.arrayBuffer()),
    ]);
  const total = duration * rate;
  const gap = 1000 / rate;
  const inflight: Promise<void>[] = [];
  const t0 = performance.now();
  for (let i = 0; i < total; i++) {
    const due = t0 + i * gap;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    // Alternate who goes first so neither side is favoured.
    const order: ["keel" | "bare", number][] =
      i % 2
        ? [
            ["keel", keel.port],
            ["bare", bare.port],
          ]
        : [
            ["bare", bare.port],
            ["keel", keel.port],
          ];
    for (const [n, p] of order) inflight.push(one(n, p));
  }
  await Promise.all(inflight);
  const elapsed = (performance.now() - t0) / 1000;
  await Promise.all([keel.kill(), bare.kill()]);
  await api.stop();
  const k = stats(lat.keel, errs.keel);
  const b = stats(lat.bare, errs.bare);
  const result = {
    date: new Date().toISOString(),
    machine: { cpus: cpus().length, model: cpus()[0]?.model, node: process.version },
    settings: {
      durationSeconds: duration,
      ratePerSecondEach: rate,
      slowPathMs: slowMs,
      database: process.env.DATABASE_URL ? "postgres" : "pglite",
      store: process.env.REDIS_URL ? "redis" : "memory",
      elapsedSeconds: Number(elapsed.toFixed(1)),
      // Other work on the machine moves p99 more than anything measured here: always read it with this.
      loadAverage1m: { before: Number(loadBefore.toFixed(2)), after: Number((loadavg()[0] ?? 0).toFixed(2)) },
    },
    keel: k,
    bareBolt: b,
    p99Ratio: Number((k.p99 / (b.p99 || 1)).toFixed(2)),
    goal: "keel p99 <= 1.2x bare Bolt p99, zero acks over 3 s",
    goalMet: k.p99 <= 1.2 * b.p99 && k.over3s === 0 && k.errors === 0,
  };
  const out = join(HERE, "../results");
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, "slack-ack.json"), `${JSON.stringify(result, null, 2)}\n`);
  const row = (n: string, s: Stats) =>
    `| ${n} | ${s.count} | ${s.errors} | ${s.p50} | ${s.p90} | ${s.p99} | ${s.max} | ${s.over3s} |`;
  writeFileSync(
    join(out, "slack-ack.md"),
    [
      "# Slack slash-command ack latency",
      "",
      `${result.date} · ${result.machine.cpus} × ${result.machine.model} · Node ${result.machine.node} · ${result.settings.database}/${result.settings.store} · load average ${result.settings.loadAverage1m.before} → ${result.settings.loadAverage1m.after}`,
      "",
      `${rate} signed \`/deal Acme\` commands per second to each server for ${duration} s (open loop, interleaved), slow path ${slowMs} ms after the ack, loopback only, each server in its own process.`,
      "",
      "| server | acks | errors | p50 ms | p90 ms | p99 ms | max ms | over 3 s |",
      "|---|---|---|---|---|---|---|---|",
      row("Keel (hono + HonoReceiver + Bolt App)", k),
      row("bare Bolt (HTTPReceiver)", b),
      "",
      `p99 ratio Keel / bare Bolt: **${result.p99Ratio}** (goal ≤ 1.2, zero acks over 3 s): **${result.goalMet ? "met" : "not met"}**.`,
      "",
      "Command: `npx tsx bench/slack/ack.ts --duration 60 --rate 50 --slow-ms 10000` (with `. scratch/env.sh` for Postgres/Redis).",
      "",
      "The driver and both servers share the machine, so p99 moves between runs. On embedded PGlite the slow path's queries run on the server's own thread; Keel then caps concurrent slow jobs at 16 so acks stay under 3 s, at the cost of slow-path throughput.",
      "",
    ].join("\n"),
  );
  console.log(JSON.stringify(result, null, 2));
}
