import type { Deps } from "../../deps.js";
import {
  getAccount,
  openSecrets,
  recordSyncFailure,
  recordSyncStart,
  recordSyncSuccess,
  saveCursors,
} from "../connectors/index.js";
import {
  applyActivities,
  applyDeals,
  applyNotes,
  applyOrganizations,
  applyPersons,
  applyPipelines,
  applyStages,
  applyUsers,
  deleteDeals,
  ENTITIES,
  type Entity,
  type EntityCounts,
  emptyCounts,
  PROVIDER,
  syncedDealIds,
  toIso,
} from "./apply.js";
import { createPipedriveClient, type PipedriveClient, PipedriveError } from "./client.js";
import {
  pdActivity,
  pdDeal,
  pdNote,
  pdOrganization,
  pdPerson,
  pdPipeline,
  pdStage,
  pdUser,
} from "./schemas.js";

export interface SyncReport {
  ok: boolean;
  mode: "full" | "incremental";
  startedAt: string;
  finishedAt: string;
  entities: Record<Entity, EntityCounts>;
  errors: string[];
  /** The failure that stopped the run (code + message), when `ok` is false. */
  failure?: { code: string; message: string };
  requests: number;
  retries: number;
  throttled: number;
}

/** The client for a tenant's connected account (base URL from config, token from the sealed row). */
export async function clientFor(deps: Deps, tenantId: string): Promise<PipedriveClient> {
  const secrets = await openSecrets(deps, tenantId, PROVIDER);
  const cfg = deps.config.pipedrive;
  return createPipedriveClient({
    baseUrl: cfg.PIPEDRIVE_BASE_URL,
    token: secrets.apiToken ?? "",
    pageLimit: cfg.PIPEDRIVE_PAGE_LIMIT,
    maxRetries: cfg.PIPEDRIVE_MAX_RETRIES,
    retryBaseMs: cfg.PIPEDRIVE_RETRY_BASE_MS,
    burstPer2s: cfg.PIPEDRIVE_BURST_PER_2S,
    logger: deps.logger.child({ tenantId, provider: PROVIDER }),
  });
}

const later = (a: string | undefined, b: string | null | undefined) => {
  if (!b) return a;
  const iso = toIso(b);
  return !a || iso > a ? iso : a;
};
/** v2 wants RFC 3339 without milliseconds. */
const rfc3339 = (iso: string) => `${iso.slice(0, 19)}Z`;

/**
 * One sync run: users, pipelines, stages, organizations, persons, deals, notes, activities — in that
 * order, so references resolve. Incremental runs ask only for objects updated since each entity's
 * cursor (`updated_since`); a full run asks for everything and removes synced deals Pipedrive no
 * longer has. Cursors advance per entity after it is written. A failure is recorded (the owner is
 * told once per failing streak) and returned in the report, never thrown.
 */
export async function syncPipedrive(
  deps: Deps,
  tenantId: string,
  opts: { full?: boolean; client?: PipedriveClient } = {},
): Promise<SyncReport> {
  const started = deps.clock.now();
  const account = await getAccount(deps, tenantId, PROVIDER);
  const cursors: Record<string, string> = opts.full ? {} : { ...(account?.cursors ?? {}) };
  const mode = opts.full || !Object.keys(cursors).length ? "full" : "incremental";
  const entities = Object.fromEntries(ENTITIES.map((e) => [e, emptyCounts()])) as Record<
    Entity,
    EntityCounts
  >;
  const report: SyncReport = {
    ok: false,
    mode,
    startedAt: started.toISOString(),
    finishedAt: started.toISOString(),
    entities,
    errors: [],
    requests: 0,
    retries: 0,
    throttled: 0,
  };
  const log = deps.logger.child({ tenantId, provider: PROVIDER, mode });
  let client: PipedriveClient | undefined = opts.client;
  try {
    client ??= await clientFor(deps, tenantId);
    await recordSyncStart(deps, tenantId, PROVIDER);
    const x = { deps, tenantId, now: started, errors: report.errors };
    const since = (e: Entity): Record<string, string> =>
      cursors[e] ? { updated_since: rfc3339(cursors[e]) } : {};
    const c = client;
    const advance = async (e: Entity, max: string | undefined) => {
      if (max && max !== cursors[e]) {
        cursors[e] = max;
        await saveCursors(deps, tenantId, PROVIDER, { [e]: max });
      }
    };

    for await (const page of c.listV1("/v1/users", pdUser)) await applyUsers(x, page, entities.users);
    const pipes = [];
    for await (const page of c.listV2("/api/v2/pipelines", pdPipeline)) pipes.push(...page);
    await applyPipelines(x, pipes, entities.pipelines);
    const sts = [];
    for await (const page of c.listV2("/api/v2/stages", pdStage)) sts.push(...page);
    await applyStages(x, sts, entities.stages);

    const incremental = async <T extends { update_time?: string | null }>(
      e: Entity,
      pages: AsyncGenerator<T[]>,
      apply: (list: T[]) => Promise<unknown>,
    ) => {
      let max = cursors[e];
      for await (const page of pages) {
        await apply(page);
        for (const item of page) max = later(max, item.update_time);
      }
      await advance(e, max);
    };
    const sorted = { sort_by: "update_time", sort_direction: "asc" };
    await incremental(
      "organizations",
      c.listV2("/api/v2/organizations", pdOrganization, { ...since("organizations"), ...sorted }),
      (l) => applyOrganizations(x, l, entities.organizations),
    );
    await incremental(
      "persons",
      c.listV2("/api/v2/persons", pdPerson, { ...since("persons"), ...sorted }),
      (l) => applyPersons(x, l, entities.persons),
    );
    const seen = new Set<string>();
    await incremental(
      "deals",
      c.listV2("/api/v2/deals", pdDeal, { ...since("deals"), ...sorted }),
      async (l) => {
        for (const d of l) seen.add(String(d.id));
        await applyDeals(x, l, entities.deals);
      },
    );
    // Deleted deals are listed only on request (Pipedrive keeps them 30 days).
    for await (const page of c.listV2("/api/v2/deals", pdDeal, { ...since("deals"), status: "deleted" }))
      await applyDeals(x, page, entities.deals);
    if (mode === "full") {
      const gone = (await syncedDealIds(deps, tenantId)).filter((id) => !seen.has(id));
      if (gone.length) entities.deals.deleted += await deleteDeals(x, gone);
    }
    await incremental(
      "notes",
      c.listV1("/v1/notes", pdNote, { ...since("notes"), sort: "update_time ASC" }),
      (l) => applyNotes(x, l, entities.notes),
    );
    await incremental(
      "activities",
      c.listV2("/api/v2/activities", pdActivity, { ...since("activities"), ...sorted }),
      (l) => applyActivities(x, l, entities.activities),
    );
    report.ok = true;
  } catch (e) {
    const failure =
      e instanceof PipedriveError
        ? { code: e.code, message: e.message, permanent: e.permanent }
        : { code: "internal", message: (e as Error).message ?? String(e), permanent: false };
    report.failure = { code: failure.code, message: failure.message };
    log.warn({ err: e }, "pipedrive sync stopped");
  }
  report.finishedAt = deps.clock.now().toISOString();
  if (client)
    Object.assign(report, {
      requests: client.stats.requests,
      retries: client.stats.retries,
      throttled: client.stats.throttled,
    });
  const stored = { ...report } as unknown as Record<string, unknown>;
  if (account) {
    if (report.ok) await recordSyncSuccess(deps, tenantId, PROVIDER, stored);
    else
      await recordSyncFailure(
        deps,
        tenantId,
        PROVIDER,
        {
          code: report.failure!.code,
          message: report.failure!.message,
          permanent: report.failure!.code === "auth" || report.failure!.code === "bad_request",
        },
        stored,
      );
  }
  log.info(
    { ok: report.ok, requests: report.requests, retries: report.retries, errors: report.errors.length },
    "pipedrive sync finished",
  );
  return report;
}

/** The report as lines for the CLI and chat. */
export function formatSyncReport(r: SyncReport): string {
  const lines = [
    `Pipedrive ${r.mode} sync ${r.ok ? "finished" : "stopped"} (${r.requests} requests, ${r.retries} retries${r.throttled ? `, ${r.throttled} rate-limited` : ""}).`,
  ];
  const w = Math.max(...ENTITIES.map((e) => e.length));
  lines.push(
    `  ${"".padEnd(w)}  ${["new", "updated", "unchanged", "deleted", "skipped"].map((h) => h.padStart(9)).join("")}`,
  );
  for (const e of ENTITIES) {
    const c = r.entities[e];
    lines.push(
      `  ${e.padEnd(w)}  ${[c.new, c.updated, c.unchanged, c.deleted + c.merged, c.skipped].map((n) => String(n).padStart(9)).join("")}`,
    );
  }
  if (r.failure) lines.push(`Stopped: ${r.failure.message}`);
  if (r.errors.length) {
    lines.push(`${r.errors.length} row${r.errors.length === 1 ? "" : "s"} not synced:`);
    for (const e of r.errors.slice(0, 20)) lines.push(`  - ${e}`);
    if (r.errors.length > 20) lines.push(`  … and ${r.errors.length - 20} more`);
  }
  return lines.join("\n");
}
