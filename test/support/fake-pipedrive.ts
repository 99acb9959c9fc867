import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * A local Pipedrive that speaks the real REST shapes: API v2 lists with cursor pagination
 * (`additional_data.next_cursor`) and `updated_since`, v1 lists with start/limit pagination
 * (`additional_data.pagination`), `x-api-token` / `api_token` auth (401 otherwise), the rate-limit
 * headers of every answer (`x-ratelimit-limit|remaining|reset` per 2-second window) with 429 +
 * `retry-after` past the burst or the daily token budget, injectable failures, and webhooks in the
 * v1 and v2 payload shapes. Time is a counter (one second per change), so `updated_since` is exact.
 */
type Obj = Record<string, unknown> & { id: number; update_time: string };

export interface FakePipedriveOptions {
  token?: string;
  /** Requests per 2-second window (Essential plan with api_token: 20). 0 = no burst limit. */
  burst?: number;
  /** Daily token budget (30,000 × plan multiplier × seats); list GETs cost 10 (v2) / 20 (v1). 0 = none. */
  dailyTokens?: number;
}

export interface Injected {
  status: number;
  headers?: Record<string, string>;
}

const ENTITY_PATHS: Record<string, string> = {
  "/api/v2/deals": "deals",
  "/api/v2/persons": "persons",
  "/api/v2/organizations": "organizations",
  "/api/v2/activities": "activities",
  "/api/v2/pipelines": "pipelines",
  "/api/v2/stages": "stages",
};

export class FakePipedrive {
  token: string;
  burst: number;
  dailyTokens: number;
  tokensUsed = 0;
  readonly data: Record<string, Map<number, Obj>> = {
    users: new Map(),
    pipelines: new Map(),
    stages: new Map(),
    organizations: new Map(),
    persons: new Map(),
    deals: new Map(),
    notes: new Map(),
    activities: new Map(),
  };
  readonly requests: { path: string; query: Record<string, string>; status: number; at: number }[] = [];
  private readonly injected: Injected[] = [];
  private server?: Server;
  private clock = Date.parse("2026-11-01T08:00:00Z");
  private windowStart = 0;
  private windowCount = 0;
  private nextId = 1000;
  base = "";

  constructor(opts: FakePipedriveOptions = {}) {
    this.token = opts.token ?? "pd-test-token-0123456789abcdef";
    this.burst = opts.burst ?? 0;
    this.dailyTokens = opts.dailyTokens ?? 0;
  }

  async start(): Promise<string> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((r) => this.server!.listen(0, "127.0.0.1", r));
    this.base = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this.base;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
  }

  /** Server time: advances one second per change. v2 RFC 3339; v1 "YYYY-MM-DD HH:MM:SS". */
  tick(): string {
    this.clock += 1000;
    return new Date(this.clock).toISOString().replace(/\.\d{3}Z$/, "Z");
  }
  static v1Time = (iso: string) => iso.replace("T", " ").replace("Z", "");

  /** Adds or changes an object (a new update_time); returns it. */
  put(entity: string, obj: Record<string, unknown> & { id?: number }): Obj {
    const map = this.data[entity]!;
    const id = obj.id ?? this.nextId++;
    const prev = map.get(id);
    const t = this.tick();
    const base: Record<string, unknown> = prev ?? {
      add_time: entity === "notes" ? FakePipedrive.v1Time(t) : t,
    };
    const next = {
      ...base,
      ...obj,
      id,
      update_time: entity === "notes" ? FakePipedrive.v1Time(t) : t,
    } as Obj;
    if (entity === "deals" && prev && obj.stage_id !== undefined && obj.stage_id !== prev.stage_id)
      next.stage_change_time = t;
    map.set(id, next);
    return next;
  }

  /** Deletes as Pipedrive does: deals keep a row with status "deleted"; other objects get is_deleted. */
  remove(entity: string, id: number): void {
    const cur = this.data[entity]!.get(id);
    if (!cur) return;
    if (entity === "deals") this.put(entity, { id, status: "deleted", is_deleted: true });
    else if (entity === "notes") this.put(entity, { id, active_flag: false });
    else this.put(entity, { id, is_deleted: true });
  }

  inject(...failures: Injected[]): void {
    this.injected.push(...failures);
  }

  /** Seeds a realistic company: 2 users, one pipeline of 4 stages, orgs, persons, deals, notes, activities. */
  seed(opts: { deals?: number; ownerEmail?: string } = {}): void {
    this.put("users", {
      id: 1,
      name: "Ana Owner",
      email: opts.ownerEmail ?? "ana@quay.example",
      active_flag: true,
    });
    this.put("users", { id: 2, name: "Rui Rep", email: "rui@quay.example", active_flag: true });
    this.put("pipelines", { id: 1, name: "Sales", order_nr: 1, is_deleted: false });
    const stageNames = ["Lead In", "Qualified", "Proposal Made", "Negotiation"];
    for (const [i, name] of stageNames.entries())
      this.put("stages", {
        id: i + 1,
        name,
        pipeline_id: 1,
        order_nr: i + 1,
        deal_probability: [10, 30, 60, 80][i],
        is_deal_rot_enabled: i === 2,
        days_to_rotten: i === 2 ? 21 : null,
        is_deleted: false,
      });
    this.put("organizations", { id: 1, name: "Acme Logistics", owner_id: 1, is_deleted: false });
    this.put("organizations", { id: 2, name: "Borealis GmbH", owner_id: 2, is_deleted: false });
    this.put("persons", {
      id: 1,
      name: "Dana Diaz",
      org_id: 1,
      owner_id: 1,
      emails: [{ value: "dana@acme.example", primary: true, label: "work" }],
      phones: [{ value: "+351 21 000 0000", primary: true, label: "work" }],
    });
    this.put("persons", { id: 2, name: "Jonas Berg", org_id: 2, owner_id: 2, emails: [], phones: [] });
    const n = opts.deals ?? 3;
    for (let i = 1; i <= n; i++)
      this.put("deals", {
        id: i,
        title: i === 1 ? "Acme Logistics fleet" : i === 2 ? "Borealis rollout" : `Deal ${i}`,
        owner_id: i % 2 ? 1 : 2,
        person_id: i % 2 ? 1 : 2,
        org_id: i % 2 ? 1 : 2,
        pipeline_id: 1,
        stage_id: (i % 4) + 1,
        value: 1000 * i + 0.5,
        currency: "EUR",
        status: "open",
        is_deleted: false,
        stage_change_time: "2026-10-01T10:00:00Z",
        expected_close_date: "2026-12-15",
      });
    this.put("notes", {
      id: 1,
      content: "<p>Asked for <b>pricing</b> &amp; terms</p>",
      deal_id: 1,
      user_id: 1,
      active_flag: true,
    });
    this.put("notes", { id: 2, content: "Person-only note", person_id: 2, user_id: 2, active_flag: true });
    this.put("activities", {
      id: 1,
      subject: "Call Dana",
      type: "call",
      deal_id: 1,
      owner_id: 1,
      done: false,
      due_date: "2026-11-05",
      is_deleted: false,
    });
    this.put("activities", {
      id: 2,
      subject: "Send deck",
      type: "task",
      deal_id: 1,
      owner_id: 1,
      done: true,
      due_date: "2026-10-20",
      is_deleted: false,
    });
  }

  /** POSTs a webhook to `url` with HTTP basic credentials (user:password), like Pipedrive does. */
  async sendWebhook(
    url: string,
    body: unknown,
    auth?: { user: string; password: string },
  ): Promise<Response> {
    const headers: Record<string, string> = {
      "content-type": "application/json",
      "user-agent": "Pipedrive Webhooks",
    };
    if (auth)
      headers.authorization = `Basic ${Buffer.from(`${auth.user}:${auth.password}`).toString("base64")}`;
    return fetch(url, {
      method: "POST",
      headers,
      body: typeof body === "string" ? body : JSON.stringify(body),
    });
  }

  /** A webhooks v2 payload for an object as it is now. */
  webhookV2(
    action: "create" | "change" | "delete",
    entity: string,
    id: number,
    extra: Record<string, unknown> = {},
  ) {
    const plural = `${entity === "person" ? "persons" : `${entity}s`}`;
    const obj = this.data[plural]?.get(id) ?? null;
    return {
      meta: {
        action,
        entity,
        entity_id: String(id),
        version: "2.0",
        timestamp: Math.floor(this.clock / 1000),
        company_id: 1,
        user_id: 1,
        ...extra,
      },
      data: action === "delete" ? null : obj,
      previous: null,
    };
  }

  private window(now: number) {
    if (now - this.windowStart >= 2000) {
      this.windowStart = now;
      this.windowCount = 0;
    }
  }

  private send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
    res.writeHead(status, { "content-type": "application/json", ...headers });
    res.end(JSON.stringify(body));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", this.base);
    const query = Object.fromEntries(url.searchParams);
    const record = (status: number) =>
      this.requests.push({ path: url.pathname, query, status, at: Date.now() });
    const token = (req.headers["x-api-token"] as string | undefined) ?? query.api_token;
    if (token !== this.token) {
      record(401);
      return this.send(res, 401, {
        success: false,
        error: "unauthorized access",
        errorCode: 401,
        error_info: "Please check developers.pipedrive.com",
      });
    }
    const now = Date.now();
    this.window(now);
    const resetS = Math.max(1, Math.ceil((this.windowStart + 2000 - now) / 1000));
    const rate = (remaining: number): Record<string, string> =>
      this.burst
        ? {
            "x-ratelimit-limit": String(this.burst),
            "x-ratelimit-remaining": String(Math.max(0, remaining)),
            "x-ratelimit-reset": String(resetS),
          }
        : {};
    const injected = this.injected.shift();
    if (injected) {
      record(injected.status);
      return this.send(
        res,
        injected.status,
        { success: false, error: `injected ${injected.status}` },
        { ...rate(this.burst - this.windowCount), ...injected.headers },
      );
    }
    if (this.burst && this.windowCount >= this.burst) {
      record(429);
      return this.send(
        res,
        429,
        { success: false, error: "Request over limit", errorCode: 429 },
        { ...rate(0), "retry-after": String(resetS) },
      );
    }
    const cost = url.pathname.startsWith("/v1/") ? 20 : 10;
    if (this.dailyTokens && this.tokensUsed + cost > this.dailyTokens) {
      record(429);
      return this.send(
        res,
        429,
        { success: false, error: "Daily token budget exceeded", errorCode: 429 },
        { "retry-after": "86400" },
      );
    }
    this.windowCount++;
    this.tokensUsed += cost;
    const headers = rate(this.burst - this.windowCount);
    const limit = Math.min(500, Number(query.limit ?? 100));
    const single = /^\/api\/v2\/(deals|persons|organizations|activities)\/(\d+)$/.exec(url.pathname);
    if (single) {
      const obj = this.data[single[1]!]!.get(Number(single[2]));
      record(obj ? 200 : 404);
      return obj
        ? this.send(res, 200, { success: true, data: obj }, headers)
        : this.send(res, 404, { success: false, error: "not found" }, headers);
    }
    const entity = ENTITY_PATHS[url.pathname];
    if (entity) {
      let list = [...this.data[entity]!.values()];
      if (entity === "deals") {
        list =
          query.status === "deleted"
            ? list.filter((d) => d.status === "deleted")
            : list.filter((d) => d.status !== "deleted" && (!query.status || d.status === query.status));
      }
      if (query.updated_since) list = list.filter((o) => o.update_time >= query.updated_since!);
      list.sort((a, b) =>
        query.sort_by === "update_time"
          ? a.update_time.localeCompare(b.update_time) || a.id - b.id
          : a.id - b.id,
      );
      const offset = query.cursor ? Number(Buffer.from(query.cursor, "base64url").toString()) : 0;
      const page = list.slice(offset, offset + limit);
      const more = offset + limit < list.length;
      record(200);
      return this.send(
        res,
        200,
        {
          success: true,
          data: page,
          additional_data: {
            next_cursor: more ? Buffer.from(String(offset + limit)).toString("base64url") : null,
          },
        },
        headers,
      );
    }
    if (url.pathname === "/v1/users" || url.pathname === "/v1/notes") {
      let list = [...this.data[url.pathname === "/v1/users" ? "users" : "notes"]!.values()];
      if (query.updated_since) {
        const since = FakePipedrive.v1Time(query.updated_since);
        list = list.filter((o) => o.update_time >= since);
      }
      list.sort((a, b) =>
        query.sort?.startsWith("update_time")
          ? a.update_time.localeCompare(b.update_time) || a.id - b.id
          : a.id - b.id,
      );
      const start = Number(query.start ?? 0);
      const page = list.slice(start, start + limit);
      const more = start + limit < list.length;
      record(200);
      return this.send(
        res,
        200,
        {
          success: true,
          data: page.length ? page : null,
          additional_data: {
            pagination: {
              start,
              limit,
              more_items_in_collection: more,
              ...(more ? { next_start: start + limit } : {}),
            },
          },
        },
        headers,
      );
    }
    record(404);
    this.send(res, 404, { success: false, error: "Unknown method", errorCode: 404 }, headers);
  }
}
