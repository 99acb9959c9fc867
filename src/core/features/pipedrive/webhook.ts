import { timingSafeEqual } from "node:crypto";
import { z } from "zod";
import type { Deps } from "../../deps.js";
import { openSecrets, tenantForWebhook } from "../connectors/index.js";
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
  deletePersons,
  emptyCounts,
  mergeOrganization,
  PROVIDER,
} from "./apply.js";
import { PipedriveError } from "./client.js";
import {
  pdActivity,
  pdDeal,
  pdNote,
  pdOrganization,
  pdPerson,
  pdPipeline,
  pdStage,
  pdUser,
  webhookV1,
  webhookV2,
} from "./schemas.js";
import { clientFor } from "./sync.js";

export interface WebhookOutcome {
  status: 200 | 400 | 401 | 503;
  body: { ok: boolean; error?: string; applied?: string };
}

/** "Basic base64(user:password)" → parts, or null. */
function basicAuth(header: string | undefined): { user: string; password: string } | null {
  const m = /^Basic\s+([A-Za-z0-9+/=]+)$/i.exec(header?.trim() ?? "");
  if (!m) return null;
  const raw = Buffer.from(m[1]!, "base64").toString("utf8");
  const i = raw.indexOf(":");
  return i > 0 ? { user: raw.slice(0, i), password: raw.slice(i + 1) } : null;
}

const sameSecret = (a: string, b: string) => {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
};

type Event = {
  entity: string;
  action: "create" | "change" | "delete" | "merge";
  id: string;
  mergedTo?: string;
  data?: unknown;
};

/** Both payload generations, one event shape. v1's `merged.person` and v2's delete with `merged_to_id` become merges. */
function toEvent(body: unknown): Event | { error: string } {
  const v2 = webhookV2.safeParse(body);
  if (v2.success) {
    const m = v2.data.meta;
    if (m.action === "delete" && m.merged_to_id)
      return { entity: m.entity, action: "merge", id: m.entity_id, mergedTo: m.merged_to_id };
    return { entity: m.entity, action: m.action, id: m.entity_id, data: v2.data.data ?? undefined };
  }
  const v1 = webhookV1.safeParse(body);
  if (v1.success) {
    const [verb, entity] = v1.data.event.split(".") as [string, string];
    const current = v1.data.current as { id?: unknown; merge_what_id?: unknown } | null | undefined;
    const previous = v1.data.previous as { id?: unknown } | null | undefined;
    if (verb === "merged") {
      const to = String(current?.id ?? v1.data.meta.id);
      const from = String(current?.merge_what_id ?? previous?.id ?? "");
      if (!from || from === to) return { error: "a merged event without the merged-away id" };
      return { entity, action: "merge", id: from, mergedTo: to };
    }
    // v1 objects differ from the v2 API shapes: the object is read again through the API.
    return {
      entity,
      action: verb === "deleted" ? "delete" : verb === "added" ? "create" : "change",
      id: v1.data.meta.id,
    };
  }
  const issue = v2.error.issues[0];
  return {
    error: `neither a v2 nor a v1 Pipedrive webhook (${issue?.path.join(".") || "body"}: ${issue?.message ?? "invalid"})`,
  };
}

const SCHEMAS: Record<string, z.ZodType> = {
  deal: pdDeal,
  person: pdPerson,
  organization: pdOrganization,
  note: pdNote,
  activity: pdActivity,
  pipeline: pdPipeline,
  stage: pdStage,
  user: pdUser,
};
const API_PATHS: Record<string, string> = {
  deal: "/api/v2/deals",
  person: "/api/v2/persons",
  organization: "/api/v2/organizations",
  activity: "/api/v2/activities",
};

/**
 * A Pipedrive webhook: HTTP basic credentials Keel generated for the tenant (user = public webhook
 * key, password sealed with the account) → 401 when missing or wrong; a body that is not one of the
 * two payload shapes → 400 with a log line; otherwise the one object is applied through the same
 * rules as the sync (imports for deals/persons/notes, links for the rest).
 */
export async function handlePipedriveWebhook(
  deps: Deps,
  input: { authorization?: string; body: string },
): Promise<WebhookOutcome> {
  const log = deps.logger.child({ provider: PROVIDER, route: "webhook" });
  const creds = basicAuth(input.authorization);
  if (!creds) {
    log.warn("pipedrive webhook without basic credentials");
    return { status: 401, body: { ok: false, error: "unauthorized" } };
  }
  const tenantId = await tenantForWebhook(deps.db, PROVIDER, creds.user);
  const secrets = tenantId ? await openSecrets(deps, tenantId, PROVIDER).catch(() => null) : null;
  if (!tenantId || !secrets?.webhookPassword || !sameSecret(creds.password, secrets.webhookPassword)) {
    log.warn({ known: Boolean(tenantId) }, "pipedrive webhook with wrong credentials");
    return { status: 401, body: { ok: false, error: "unauthorized" } };
  }
  let json: unknown;
  try {
    json = JSON.parse(input.body);
  } catch {
    log.warn({ tenantId, bytes: input.body.length }, "pipedrive webhook body is not JSON");
    return { status: 400, body: { ok: false, error: "body is not JSON" } };
  }
  const ev = toEvent(json);
  if ("error" in ev) {
    log.warn({ tenantId, problem: ev.error }, "malformed pipedrive webhook");
    return { status: 400, body: { ok: false, error: ev.error } };
  }
  try {
    const applied = await applyEvent(deps, tenantId, ev);
    log.info({ tenantId, entity: ev.entity, action: ev.action, applied }, "pipedrive webhook applied");
    return { status: 200, body: { ok: true, applied } };
  } catch (e) {
    // Pipedrive retries non-2xx deliveries: a transient failure asks for a retry, nothing else leaks.
    log.warn({ tenantId, err: e, entity: ev.entity }, "pipedrive webhook not applied");
    if (e instanceof PipedriveError && e.permanent)
      return { status: 200, body: { ok: false, error: e.code } };
    return { status: 503, body: { ok: false, error: "temporarily unavailable" } };
  }
}

async function applyEvent(deps: Deps, tenantId: string, ev: Event): Promise<string> {
  const x = { deps, tenantId, now: deps.clock.now(), errors: [] as string[] };
  const c = emptyCounts();
  if (ev.action === "merge") {
    if (ev.entity === "deal") await deleteDeals(x, [ev.id], ev.mergedTo);
    else if (ev.entity === "person") await deletePersons(x, [ev.id], ev.mergedTo);
    else if (ev.entity === "organization") await mergeOrganization(x, ev.id, ev.mergedTo!);
    else return "ignored";
    return `merged ${ev.entity} ${ev.id} into ${ev.mergedTo}`;
  }
  if (ev.action === "delete") {
    if (ev.entity === "deal") await deleteDeals(x, [ev.id]);
    else if (ev.entity === "person") await deletePersons(x, [ev.id]);
    else if (ev.entity === "note")
      await applyNotes(x, [{ id: Number(ev.id), content: "", active_flag: false }], c);
    else if (ev.entity === "organization")
      await applyOrganizations(x, [{ id: Number(ev.id), name: "", is_deleted: true }], c);
    else if (ev.entity === "activity")
      await applyActivities(x, [{ id: Number(ev.id), done: false, is_deleted: true }], c);
    else return "ignored";
    return `deleted ${ev.entity} ${ev.id}`;
  }
  const schema = SCHEMAS[ev.entity];
  if (!schema) return "ignored";
  let obj = ev.data === undefined ? undefined : schema.safeParse(ev.data).data;
  if (obj === undefined) {
    const path = API_PATHS[ev.entity];
    if (!path) return "ignored";
    const client = await clientFor(deps, tenantId);
    const res = await client.get(`${path}/${encodeURIComponent(ev.id)}`, {}, webhookEnvelope(schema));
    obj = res.data;
  }
  switch (ev.entity) {
    case "deal":
      await applyDeals(x, [pdDeal.parse(obj)], c);
      break;
    case "person":
      await applyPersons(x, [pdPerson.parse(obj)], c);
      break;
    case "organization":
      await applyOrganizations(x, [pdOrganization.parse(obj)], c);
      break;
    case "note":
      await applyNotes(x, [pdNote.parse(obj)], c);
      break;
    case "activity":
      await applyActivities(x, [pdActivity.parse(obj)], c);
      break;
    case "pipeline":
      await applyPipelines(x, [pdPipeline.parse(obj)], c);
      break;
    case "stage":
      await applyStages(x, [pdStage.parse(obj)], c);
      break;
    case "user":
      await applyUsers(x, [pdUser.parse(obj)], c);
      break;
  }
  if (x.errors.length) throw new PipedriveError("bad_request", x.errors.join("; "));
  return `${ev.action} ${ev.entity} ${ev.id}`;
}

const webhookEnvelope = (item: z.ZodType) => z.object({ success: z.boolean(), data: item });
