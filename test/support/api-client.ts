import { sql } from "drizzle-orm";
import type { Hono } from "hono";
import type { Deps } from "../../src/core/deps.js";
import { resultRows } from "../../src/core/infra/db/client.js";

/** What an integrator sees of a response: status, headers, parsed body (problem+json or json). */
export interface ApiResponse {
  status: number;
  type: string;
  headers: Headers;
  // biome-ignore lint/suspicious/noExplicitAny: test assertions read arbitrary JSON
  body: any;
}

/** Calls the API the way a client library would: bearer token, JSON body, optional extra headers. */
export async function call(
  // biome-ignore lint/suspicious/noExplicitAny: any hono app env
  app: Hono<any>,
  method: string,
  path: string,
  opts: { token?: string; json?: unknown; raw?: string; headers?: Record<string, string> } = {},
): Promise<ApiResponse> {
  const headers: Record<string, string> = { ...opts.headers };
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  let body: string | undefined;
  if (opts.json !== undefined) {
    body = JSON.stringify(opts.json);
    headers["content-type"] ??= "application/json";
  } else if (opts.raw !== undefined) body = opts.raw;
  const res = await app.request(path, { method, headers, body });
  const type = res.headers.get("content-type") ?? "";
  const text = await res.text();
  return {
    status: res.status,
    type,
    headers: res.headers,
    body: text && /json/.test(type) ? JSON.parse(text) : text,
  };
}

const TABLES = [
  "contacts",
  "deals",
  "deal_stage_history",
  "deal_notes",
  "invoices",
  "payments",
  "metric_points",
  "metric_series",
  "drafts",
  "outbox",
];

/** A hash of every business row of a tenant: equal before and after ⇔ nothing was touched. */
export async function tenantFingerprint(deps: Deps, tenantId: string): Promise<Record<string, string>> {
  return deps.db.tenantTx(tenantId, async (tx) => {
    const out: Record<string, string> = {};
    for (const t of TABLES) {
      const [r] = resultRows<{ n: string; h: string | null }>(
        await tx.execute(
          sql.raw(
            `select count(*)::text as n, md5(string_agg(x::text, '|' order by x::text)) as h from ${t} x`,
          ),
        ),
      );
      out[t] = `${r!.n}:${r!.h ?? "-"}`;
    }
    return out;
  });
}
