/**
 * A Keel cluster on one machine, for the scale-out test and `npm run bench:scale`: N `keel start`
 * processes (the built CLI, `node bin/keel.mjs start`, each its own PORT) on one real Postgres
 * database and Redis, behind a small round-robin HTTP proxy written here; a local Slack Web API,
 * WhatsApp Graph API and OpenAI-compatible model (optionally delayed) from test/support. Clients act
 * like Slack and Meta: signed requests through the proxy, and a delivery that got no 200 (the replica
 * died, the proxy answered 502) is retried later with the same id, as the platforms do.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { createHmac, randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { createServer, request, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { signBody } from "../../src/bots/whatsapp/cloud/signature.js";
import { setSubscription } from "../../src/core/features/digest/subscriptions.js";
import { enqueue } from "../../src/core/features/outbox/index.js";
import { requireTenant } from "../../src/core/features/tenancy/index.js";
import { loadDemo } from "../../src/demo/load.js";
import { createTestDeps, type TestDeps } from "../../test/support/deps.js";
import { type FakeGraphApi, startFakeGraphApi } from "../../test/support/fake-graph-api.js";
import { type FakeOpenAi, startFakeOpenAi } from "../../test/support/fake-openai-server.js";
import { FakeSlackApi } from "../../test/support/fake-slack-api.js";

const ROOT = join(import.meta.dirname, "../..");
const BIN = join(ROOT, "bin/keel.mjs");
export const SLACK_SECRET = "scale-signing-secret-0123456789";
export const APP_SECRET = "scale-app-secret-0123456789";
export const PNID = "106540352242922";
export const GRAPH_TOKEN = "EAAG-scale";
/** The demo company's Slack members and WhatsApp numbers (src/demo/company.ts). */
export const SLACK_USERS = ["U0OWNER", "U0MANAGER", "U0REP1", "U0REP2", "U0FINANCE"];
export const WA_NUMBERS = ["15550000001", "15550000002", "15550000003"];

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface Replica {
  index: number;
  port: number;
  child: ChildProcess;
  alive: boolean;
  /** stdout+stderr tail (warnings and errors at LOG_LEVEL=warn). */
  log: string[];
}

export interface ClusterOptions {
  replicas: number;
  /** Delay of every model answer (ms). */
  modelDelayMs?: number;
  logLevel?: string;
  env?: Record<string, string>;
}

/** One delivery as the platform saw it: the first attempt's ack time, retries, the final status. */
export interface Delivery {
  id: string;
  kind: "slack" | "whatsapp";
  sentAt: number;
  /** ms until the first attempt was answered (any status), or null when it got no answer. */
  firstAckMs: number | null;
  firstStatus: number;
  status: number;
  attempts: number;
  /** Slack: the thread the answer goes to (channel, ts); WhatsApp: the message id. */
  channel?: string;
  ts?: string;
  from?: string;
  /** Body text of the first ack (busy answers, usage errors). */
  ackBody?: string;
}

/** A round-robin HTTP proxy; a replica that refuses connections is skipped (what a load balancer's health check does). */
class RoundRobinProxy {
  private next = 0;
  server?: Server;
  port = 0;
  refused = 0;
  /** Requests answered 502 because the replica dropped the connection mid-request (killed). */
  dropped = 0;
  /** Requests sent to each replica (by index). */
  readonly served: number[] = [];
  constructor(private readonly replicas: Replica[]) {}

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () =>
        this.forward(req.method ?? "GET", req.url ?? "/", req.headers, Buffer.concat(chunks), res, 0),
      );
    });
    this.server.keepAliveTimeout = 30_000;
    await new Promise<void>((r) => this.server!.listen(0, "127.0.0.1", () => r()));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  private forward(
    method: string,
    path: string,
    headers: Record<string, string | string[] | undefined>,
    body: Buffer,
    res: import("node:http").ServerResponse,
    tried: number,
  ): void {
    const live = this.replicas.filter((r) => r.alive);
    if (!live.length || tried >= this.replicas.length) {
      res.writeHead(502).end("no replica");
      return;
    }
    const r = live[this.next++ % live.length]!;
    this.served[r.index] = (this.served[r.index] ?? 0) + 1;
    const up = request(
      { host: "127.0.0.1", port: r.port, method, path, headers: { ...headers, host: `127.0.0.1:${r.port}` } },
      (ur) => {
        res.writeHead(ur.statusCode ?? 502, ur.headers);
        ur.pipe(res);
      },
    );
    up.on("error", (err: NodeJS.ErrnoException) => {
      if (err.code === "ECONNREFUSED" && !res.headersSent) {
        // Never reached the replica: safe to send elsewhere.
        this.refused++;
        r.alive = false;
        this.forward(method, path, headers, body, res, tried + 1);
        return;
      }
      this.dropped++;
      if (!res.headersSent) res.writeHead(502).end("upstream dropped the connection");
      else res.destroy();
    });
    up.end(body);
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise((r) => this.server?.close(r));
  }
}

export class Cluster {
  d!: TestDeps;
  slack!: FakeSlackApi;
  graph!: FakeGraphApi;
  model!: FakeOpenAi;
  proxy!: RoundRobinProxy;
  tenantId = "";
  readonly replicas: Replica[] = [];
  readonly deliveries: Delivery[] = [];
  /** A per-run tag: channel names and texts of this run never meet another run's in Redis. */
  readonly run = randomUUID().slice(0, 6).toUpperCase();
  private seq = 0;
  private readonly retries = new Set<Promise<void>>();

  constructor(private readonly o: ClusterOptions) {}

  get url(): string {
    return `http://127.0.0.1:${this.proxy.port}`;
  }

  async start(): Promise<this> {
    this.d = await createTestDeps({ KEEL_SECRET: "scale-keel-secret-0123456789" });
    await loadDemo(this.d);
    this.tenantId = (await requireTenant(this.d.db, "demo")).id;
    this.slack = await new FakeSlackApi().start();
    this.graph = await startFakeGraphApi({ accessToken: GRAPH_TOKEN, phoneNumberId: PNID });
    this.model = await startFakeOpenAi();
    const delayMs = this.o.modelDelayMs ?? 0;
    // Structured requests (the question parser) get a valid "not a data question" answer; the rest text.
    this.model.setDefault({
      pick: (b) =>
        b.response_format
          ? { reply: JSON.stringify({ kind: "none" }), delayMs }
          : {
              reply: "Focus on the two largest open deals this week and follow up on the overdue invoices.",
              delayMs,
            },
    });
    this.proxy = await new RoundRobinProxy(this.replicas).start();
    const ports = await Promise.all(Array.from({ length: this.o.replicas }, () => freePort()));
    await Promise.all(ports.map((port, i) => this.startReplica(i, port)));
    return this;
  }

  private env(port: number): Record<string, string> {
    const e = this.d.env;
    return {
      PATH: process.env.PATH ?? "",
      HOME: process.env.HOME ?? "/tmp",
      LOG_LEVEL: this.o.logLevel ?? "warn",
      DATABASE_URL: e.DATABASE_URL!,
      MIGRATION_DATABASE_URL: e.MIGRATION_DATABASE_URL!,
      ...(e.REDIS_URL ? { REDIS_URL: e.REDIS_URL } : {}),
      PORT: String(port),
      KEEL_SECRET: "scale-keel-secret-0123456789",
      KEEL_AUTO_DEMO: "false",
      SLACK_BOT_TOKEN: "xoxb-scale-demo",
      SLACK_SIGNING_SECRET: SLACK_SECRET,
      SLACK_TENANT: "demo",
      SLACK_API_URL: this.slack.url,
      WHATSAPP_TRANSPORT: "cloud",
      WHATSAPP_TENANT: "demo",
      WHATSAPP_CLOUD_VERIFY_TOKEN: "scale-verify",
      WHATSAPP_CLOUD_APP_SECRET: APP_SECRET,
      WHATSAPP_CLOUD_ACCESS_TOKEN: GRAPH_TOKEN,
      WHATSAPP_CLOUD_PHONE_NUMBER_ID: PNID,
      WHATSAPP_GRAPH_API_URL: this.graph.url,
      OPENAI_API_KEY: "sk-scale-fake",
      OPENAI_BASE_URL: this.model.url,
      // The load is one tenant asking many questions: the per-tenant model rate and budgets would
      // otherwise turn the model off after a minute (they are measured elsewhere).
      LLM_TENANT_RATE_PER_MIN: "100000",
      LLM_TENANT_MONTHLY_BUDGET_USD: "100000",
      LLM_USER_DAILY_BUDGET_USD: "100000",
      LLM_CACHE_TTL_SECONDS: "0",
      ...this.o.env,
    };
  }

  private async startReplica(index: number, port: number): Promise<Replica> {
    const child = spawn(process.execPath, [BIN, "start"], {
      env: this.env(port),
      stdio: ["ignore", "pipe", "pipe"],
    });
    const r: Replica = { index, port, child, alive: false, log: [] };
    this.replicas[index] = r;
    const keep = (c: Buffer) => {
      r.log.push(c.toString());
      if (r.log.length > 200) r.log.shift();
    };
    await new Promise<void>((resolve, reject) => {
      let out = "";
      child.stdout!.on("data", (c: Buffer) => {
        keep(c);
        out += c;
        if (out.includes("Keel is running")) resolve();
      });
      child.stderr!.on("data", keep);
      child.once("exit", (code, signal) => {
        r.alive = false;
        reject(new Error(`keel replica ${index} exited ${code ?? signal}: ${r.log.join("").slice(-3000)}`));
      });
    });
    r.alive = true;
    return r;
  }

  /** kill -9 of one replica; the proxy notices on its next connection (refused). */
  async kill(index: number): Promise<void> {
    const r = this.replicas[index]!;
    if (r.child.exitCode !== null || r.child.signalCode !== null) return;
    const gone = new Promise((res) => r.child.once("exit", res));
    r.child.kill("SIGKILL");
    await gone;
  }

  /** Resident memory of each live replica in MB (/proc/<pid>/status VmRSS). */
  rssMb(): (number | null)[] {
    return this.replicas.map((r) => {
      if (!r.child.pid || r.child.exitCode !== null || r.child.signalCode !== null) return null;
      try {
        const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${r.child.pid}/status`, "utf8"));
        return m ? Math.round(Number(m[1]) / 1024) : null;
      } catch {
        return null;
      }
    });
  }

  /** A Slack DM or mention, delivered like Slack does (retried with the same event on no 200). */
  slackMessage(o: { text: string; user?: string; channel?: string; mention?: boolean }): Delivery {
    const n = this.seq++;
    const user = o.user ?? SLACK_USERS[n % SLACK_USERS.length]!;
    const channel = o.channel ?? (o.mention ? `C0${this.run}${n % 20}` : `D0${this.run}${user.slice(2)}`);
    const ts = `${1_800_000_000 + n}.${String(Math.floor(Math.random() * 1e6)).padStart(6, "0")}`;
    const body = JSON.stringify({
      token: "legacy",
      team_id: "T0DEMO",
      api_app_id: "A0KEEL",
      type: "event_callback",
      event_id: `Ev${this.run}${n}`,
      event_time: Math.floor(Date.now() / 1000),
      authorizations: [
        { team_id: "T0DEMO", user_id: "UKEELBOT", is_bot: true, is_enterprise_install: false },
      ],
      event: o.mention
        ? { type: "app_mention", channel, user, text: `<@UKEELBOT> ${o.text}`, ts, event_ts: ts }
        : { type: "message", channel_type: "im", channel, user, text: o.text, ts, event_ts: ts },
    });
    const d: Delivery = {
      id: `Ev${this.run}${n}`,
      kind: "slack",
      sentAt: Date.now(),
      firstAckMs: null,
      firstStatus: 0,
      status: 0,
      attempts: 0,
      channel,
      ts,
    };
    this.deliveries.push(d);
    this.deliver(d, (retry) => {
      const now = Math.floor(Date.now() / 1000);
      return {
        path: "/slack/events",
        body,
        headers: {
          "content-type": "application/json",
          "x-slack-request-timestamp": String(now),
          "x-slack-signature": `v0=${createHmac("sha256", SLACK_SECRET).update(`v0:${now}:${body}`).digest("hex")}`,
          ...(retry ? { "x-slack-retry-num": String(retry), "x-slack-retry-reason": "http_error" } : {}),
        },
      };
    });
    return d;
  }

  /** A WhatsApp Cloud message webhook from one of the demo numbers, retried by "Meta" on no 200. */
  whatsappMessage(o: { text: string; from?: string }): Delivery {
    const n = this.seq++;
    const from = o.from ?? WA_NUMBERS[n % WA_NUMBERS.length]!;
    const id = `wamid.SCALE${this.run}${n}`;
    const body = JSON.stringify({
      object: "whatsapp_business_account",
      entry: [
        {
          id: "102290129340398",
          changes: [
            {
              field: "messages",
              value: {
                messaging_product: "whatsapp",
                metadata: { display_phone_number: "15550783881", phone_number_id: PNID },
                contacts: [{ profile: { name: "Demo" }, wa_id: from }],
                messages: [
                  {
                    from,
                    id,
                    timestamp: String(Math.floor(Date.now() / 1000)),
                    type: "text",
                    text: { body: o.text },
                  },
                ],
              },
            },
          ],
        },
      ],
    });
    const d: Delivery = {
      id,
      kind: "whatsapp",
      sentAt: Date.now(),
      firstAckMs: null,
      firstStatus: 0,
      status: 0,
      attempts: 0,
      from: `+${from}`,
    };
    this.deliveries.push(d);
    this.deliver(d, () => ({
      path: "/whatsapp/webhook",
      body,
      headers: { "content-type": "application/json", "x-hub-signature-256": signBody(body, APP_SECRET) },
    }));
    return d;
  }

  /**
   * Posts through the proxy; on anything but 200 (502 from a killed replica, a timeout) retries
   * after 2, 5 and 10 s — Slack retries after ~1 and ~5 min, Meta with backoff; shortened here.
   */
  private deliver(
    d: Delivery,
    make: (retry: number) => { path: string; body: string; headers: Record<string, string> },
  ): void {
    const attempt = async (retry: number): Promise<void> => {
      const { path, body, headers } = make(retry);
      const started = performance.now();
      let status = 0;
      let text = "";
      try {
        const res = await fetch(`${this.url}${path}`, {
          method: "POST",
          headers,
          body,
          signal: AbortSignal.timeout(10_000),
        });
        status = res.status;
        text = await res.text();
      } catch {
        status = 0;
      }
      d.attempts++;
      if (retry === 0) {
        d.firstAckMs = status ? performance.now() - started : null;
        d.firstStatus = status;
        d.ackBody = text.slice(0, 300);
      }
      d.status = status;
      if (status === 200 || retry >= 3) return;
      await sleep([2_000, 5_000, 10_000][retry]!);
      return attempt(retry + 1);
    };
    const p = attempt(0).finally(() => this.retries.delete(p));
    this.retries.add(p);
  }

  /** Resolves when every delivery has its final answer (retries included). */
  async settled(): Promise<void> {
    while (this.retries.size) await Promise.all([...this.retries]);
  }

  /** Subscribes `n` Slack channels to a daily digest at `time` (UTC, HH:MM), without quiet hours. */
  async digestsAt(time: string, n: number): Promise<string[]> {
    const channels = Array.from({ length: n }, (_, i) => `C0DIG${this.run}${i}`);
    for (const address of channels)
      await setSubscription(
        this.d,
        this.tenantId,
        { channel: "slack", address },
        { cadence: "daily", time, timezone: "UTC", quiet: null },
      );
    return channels;
  }

  /** Enqueues `n` Slack alerts (distinct texts) over a few channels, for the replicas' dispatchers. */
  async enqueueAlerts(n: number): Promise<{ channel: string; text: string }[]> {
    const out = Array.from({ length: n }, (_, i) => ({
      channel: `C0OUT${this.run}${i % 4}`,
      text: `Scale run ${this.run}: alert ${i} of ${n}`,
    }));
    const now = new Date();
    await this.d.db.tenantTx(this.tenantId, async (tx) => {
      for (const [i, a] of out.entries())
        await enqueue(
          tx,
          {
            tenantId: this.tenantId,
            dedupeKey: `scale:${this.run}:${i}`,
            target: { channel: "slack", address: a.channel },
            payload: { text: a.text },
          },
          now,
        );
    });
    return out;
  }

  async stop(): Promise<void> {
    for (const r of this.replicas) if (r) r.alive = false;
    await Promise.all(
      this.replicas.map(async (r) => {
        if (!r || r.child.exitCode !== null || r.child.signalCode !== null) return;
        const gone = new Promise((res) => r.child.once("exit", res));
        r.child.kill("SIGTERM");
        const t = setTimeout(() => r.child.kill("SIGKILL"), 20_000);
        await gone;
        clearTimeout(t);
      }),
    );
    await this.proxy?.stop();
    await this.slack?.stop();
    await this.graph?.close();
    await this.model?.close();
    await this.d?.cleanup();
  }
}

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, "127.0.0.1", () => r()));
  const p = (s.address() as AddressInfo).port;
  await new Promise((r) => s.close(r));
  return p;
}

export function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor(p * s.length))]! : Number.NaN;
}
