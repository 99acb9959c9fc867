import { createHash } from "node:crypto";
import { and, asc, eq, inArray, like, sql } from "drizzle-orm";
import type { Deps } from "../../deps.js";
import type { Tx } from "../../infra/db/client.js";
import {
  contacts,
  dealNotes,
  deals,
  invoices,
  pipelines,
  stages,
  users,
} from "../../infra/db/schema/index.js";
import { allLinks, type LinkInput, linksByData, loadLinks, upsertLinks } from "../connectors/index.js";
import { importRows } from "./rows.js";
import type {
  PdActivity,
  PdDeal,
  PdNote,
  PdOrganization,
  PdPerson,
  PdPipeline,
  PdStage,
  PdUser,
} from "./schemas.js";

export const PROVIDER = "pipedrive";
export const ENTITIES = [
  "users",
  "pipelines",
  "stages",
  "organizations",
  "persons",
  "deals",
  "notes",
  "activities",
] as const;
export type Entity = (typeof ENTITIES)[number];

export interface EntityCounts {
  new: number;
  updated: number;
  unchanged: number;
  deleted: number;
  merged: number;
  skipped: number;
}
export const emptyCounts = (): EntityCounts => ({
  new: 0,
  updated: 0,
  unchanged: 0,
  deleted: 0,
  merged: 0,
  skipped: 0,
});

/** Keel's stable keys for Pipedrive objects: the Pipedrive id, namespaced by kind. */
export const extId = (kind: "deal" | "person" | "note", id: number | string) => `pipedrive:${kind}:${id}`;

const digest = (v: unknown) => createHash("sha1").update(JSON.stringify(v)).digest("base64url");
const day = (t: string | null | undefined) => (t ? toIso(t).slice(0, 10) : undefined);
/** v1 times are "YYYY-MM-DD HH:MM:SS" (UTC), v2 RFC 3339. */
export const toIso = (t: string) => (t.includes("T") ? t : `${t.replace(" ", "T")}Z`);
const htmlToText = (html: string) =>
  html
    .replace(/<br\s*\/?>|<\/p>|<\/div>|<\/li>/gi, "\n")
    .replace(/<[^>]*>/g, "")
    .replace(/&nbsp;/g, " ")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, "&")
    .replace(/\n{3,}/g, "\n\n")
    .trim();

interface Ctx {
  deps: Deps;
  tenantId: string;
  now: Date;
  errors: string[];
}

function tally<T>(
  c: EntityCounts,
  links: Map<string, { digest: string | null; deleted: boolean }>,
  id: string,
  d: string,
): "new" | "updated" | "unchanged" {
  const prev = links.get(id);
  const outcome = !prev ? "new" : prev.digest === d && !prev.deleted ? "unchanged" : "updated";
  c[outcome]++;
  return outcome;
}

/** Pipedrive users → Keel users with the same e-mail (a link only: Keel users are created by owners). */
export async function applyUsers(x: Ctx, list: PdUser[], c: EntityCounts): Promise<void> {
  await x.deps.db.tenantTx(x.tenantId, async (tx) => {
    const links = await loadLinks(
      tx,
      PROVIDER,
      "user",
      list.map((u) => String(u.id)),
    );
    const keel = await tx.select({ id: users.id, email: users.email }).from(users);
    const byEmail = new Map(keel.map((u) => [u.email.toLowerCase(), u.id]));
    const out: LinkInput[] = [];
    for (const u of list) {
      const email = u.email.toLowerCase();
      const localId = byEmail.get(email) ?? null;
      const d = digest([u.name, email, u.active_flag, localId]);
      if (tally(c, links, String(u.id), d) === "unchanged") continue;
      out.push({
        externalId: String(u.id),
        localId,
        digest: d,
        data: { email, name: u.name, active: u.active_flag },
      });
    }
    await upsertLinks(tx, x.tenantId, PROVIDER, "user", out, x.now);
  });
}

/** Pipelines: linked to a Keel pipeline of the same name, else created (the first becomes default). */
export async function applyPipelines(x: Ctx, list: PdPipeline[], c: EntityCounts): Promise<void> {
  await x.deps.db.tenantTx(x.tenantId, async (tx) => {
    const links = await loadLinks(
      tx,
      PROVIDER,
      "pipeline",
      list.map((p) => String(p.id)),
    );
    const existing = await tx.select().from(pipelines);
    let hasDefault = existing.some((p) => p.isDefault);
    const out: LinkInput[] = [];
    for (const p of [...list].sort((a, b) => a.order_nr - b.order_nr)) {
      const key = String(p.id);
      const link = links.get(key);
      const d = digest([p.name, p.is_deleted]);
      if (p.is_deleted) {
        if (link && !link.deleted) {
          c.deleted++;
          out.push({ externalId: key, deleted: true, digest: d });
        } else c.skipped++;
        continue;
      }
      if (tally(c, links, key, d) === "unchanged" && link?.localId) continue;
      let localId = link?.localId ?? existing.find((e) => e.name.toLowerCase() === p.name.toLowerCase())?.id;
      if (localId) await tx.update(pipelines).set({ name: p.name }).where(eq(pipelines.id, localId));
      else {
        const [row] = await tx
          .insert(pipelines)
          .values({ tenantId: x.tenantId, name: p.name, isDefault: !hasDefault })
          .returning({ id: pipelines.id });
        localId = row!.id;
        hasDefault = true;
      }
      out.push({ externalId: key, localId, digest: d, deleted: false });
    }
    await upsertLinks(tx, x.tenantId, PROVIDER, "pipeline", out, x.now);
  });
}

/** Stages: created or updated in their pipeline; probability and rotting days become Keel's stage rules. */
export async function applyStages(x: Ctx, list: PdStage[], c: EntityCounts): Promise<void> {
  await x.deps.db.tenantTx(x.tenantId, async (tx) => {
    const pipes = new Map((await allLinks(tx, PROVIDER, "pipeline")).map((l) => [l.externalId, l.localId]));
    const links = await loadLinks(
      tx,
      PROVIDER,
      "stage",
      list.map((s) => String(s.id)),
    );
    const out: LinkInput[] = [];
    for (const s of list) {
      const key = String(s.id);
      const link = links.get(key);
      const pipelineId = pipes.get(String(s.pipeline_id));
      const d = digest([
        s.name,
        s.order_nr,
        s.deal_probability,
        s.is_deal_rot_enabled,
        s.days_to_rotten,
        s.pipeline_id,
        s.is_deleted,
      ]);
      if (s.is_deleted || !pipelineId) {
        if (link && !link.deleted && s.is_deleted) {
          c.deleted++;
          out.push({ externalId: key, deleted: true, digest: d });
        } else c.skipped++;
        continue;
      }
      if (tally(c, links, key, d) === "unchanged" && link?.localId) continue;
      const values = {
        name: s.name,
        position: s.order_nr,
        probability: Math.min(1, Math.max(0, (s.deal_probability ?? 50) / 100)),
        stuckAfterDays: s.is_deal_rot_enabled && s.days_to_rotten ? s.days_to_rotten : 30,
        pipelineId,
      };
      let localId = link?.localId;
      if (!localId) {
        const [same] = await tx
          .select({ id: stages.id })
          .from(stages)
          .where(and(eq(stages.pipelineId, pipelineId), sql`lower(${stages.name}) = lower(${s.name})`))
          .limit(1);
        localId = same?.id;
      }
      if (localId) await tx.update(stages).set(values).where(eq(stages.id, localId));
      else
        localId = (
          await tx
            .insert(stages)
            .values({ tenantId: x.tenantId, ...values })
            .returning({ id: stages.id })
        )[0]!.id;
      out.push({ externalId: key, localId, digest: d, deleted: false });
    }
    await upsertLinks(tx, x.tenantId, PROVIDER, "stage", out, x.now);
  });
}

/** Organizations have no Keel table: their names feed `company` on deals and contacts. */
export async function applyOrganizations(x: Ctx, list: PdOrganization[], c: EntityCounts): Promise<void> {
  const renamed: { from: string; to: string }[] = [];
  await x.deps.db.tenantTx(x.tenantId, async (tx) => {
    const links = await loadLinks(
      tx,
      PROVIDER,
      "organization",
      list.map((o) => String(o.id)),
    );
    const out: LinkInput[] = [];
    for (const o of list) {
      const key = String(o.id);
      const d = digest([o.name, o.is_deleted]);
      const prev = links.get(key);
      if (o.is_deleted) {
        if (prev && !prev.deleted) {
          c.deleted++;
          out.push({ externalId: key, deleted: true, digest: d });
        } else c.skipped++;
        continue;
      }
      if (tally(c, links, key, d) === "unchanged") continue;
      const before = (prev?.data as { name?: string } | null)?.name;
      if (before && before !== o.name) renamed.push({ from: before, to: o.name });
      out.push({ externalId: key, digest: d, deleted: false, data: { name: o.name } });
    }
    await upsertLinks(tx, x.tenantId, PROVIDER, "organization", out, x.now);
  });
  if (renamed.length) await renameCompany(x, renamed);
}

/** A renamed organization: `company` follows on its synced deals and contacts (through the imports). */
async function renameCompany(x: Ctx, renamed: { from: string; to: string }[]): Promise<void> {
  const names = new Map(renamed.map((r) => [r.from, r.to]));
  const { ds, cs } = await x.deps.db.tenantTx(x.tenantId, async (tx) => ({
    ds: await tx
      .select({ e: deals.externalId, company: deals.company })
      .from(deals)
      .where(and(like(deals.externalId, "pipedrive:deal:%"), inArray(deals.company, [...names.keys()]))),
    cs: await tx
      .select({ e: contacts.externalId, company: contacts.company })
      .from(contacts)
      .where(
        and(like(contacts.externalId, "pipedrive:person:%"), inArray(contacts.company, [...names.keys()])),
      ),
  }));
  const rows = (list: { e: string | null; company: string | null }[]) =>
    list.map((r) => ({ external_id: r.e!, company: names.get(r.company!)! }));
  for (const [kind, list] of [
    ["deals", ds],
    ["contacts", cs],
  ] as const) {
    const r = await importRows(x.deps, x.tenantId, kind, ["external_id", "company"], rows(list), (row) =>
      String(row.external_id),
    );
    x.errors.push(...r.errors);
  }
}

async function orgNames(tx: Tx, ids: (number | null | undefined)[]): Promise<Map<string, string>> {
  const keys = ids.filter((i): i is number => typeof i === "number").map(String);
  const links = await loadLinks(tx, PROVIDER, "organization", keys);
  return new Map([...links].map(([k, l]) => [k, String((l.data as { name?: string } | null)?.name ?? "")]));
}

/** Persons → contacts through the contacts import (key: pipedrive:person:ID). */
export async function applyPersons(x: Ctx, list: PdPerson[], c: EntityCounts): Promise<void> {
  const live = list.filter((p) => !p.is_deleted);
  const gone = list.filter((p) => p.is_deleted).map((p) => p.id);
  if (gone.length) c.deleted += await deletePersons(x, gone);
  const orgs = await x.deps.db.tenantTx(x.tenantId, (tx) =>
    orgNames(
      tx,
      live.map((p) => p.org_id),
    ),
  );
  const primary = (pts: PdPerson["emails"]) => (pts?.find((e) => e.primary) ?? pts?.[0])?.value ?? "";
  const rows = live.map((p) => ({
    external_id: extId("person", p.id),
    name: p.name.slice(0, 200),
    company: p.org_id ? (orgs.get(String(p.org_id)) ?? "") : "",
    email: primary(p.emails).toLowerCase(),
    phone: primary(p.phones).slice(0, 200),
  }));
  const r = await importRows(
    x.deps,
    x.tenantId,
    "contacts",
    ["external_id", "name", "company", "email", "phone"],
    rows,
    (row) => `person ${row.external_id?.split(":")[2]}`,
  );
  c.new += r.created;
  c.updated += r.updated;
  c.unchanged += r.unchanged;
  x.errors.push(...r.errors);
}

/** Deals through the deals import: pipeline, stage, value, currency, owner, status, dates, company. */
export async function applyDeals(x: Ctx, list: PdDeal[], c: EntityCounts): Promise<void> {
  const gone = list.filter((d) => d.is_deleted || d.status === "deleted").map((d) => d.id);
  const live = list.filter((d) => !d.is_deleted && d.status !== "deleted");
  if (gone.length) c.deleted += await deleteDeals(x, gone);
  if (!live.length) return;
  const maps = await x.deps.db.tenantTx(x.tenantId, async (tx) => {
    const stageLinks = await allLinks(tx, PROVIDER, "stage");
    const stageRows = await tx
      .select({ id: stages.id, name: stages.name, pipeline: pipelines.name })
      .from(stages)
      .innerJoin(pipelines, eq(pipelines.id, stages.pipelineId));
    const byId = new Map(stageRows.map((s) => [s.id, s]));
    const stageOf = new Map(
      stageLinks.filter((l) => l.localId && !l.deleted).map((l) => [l.externalId, byId.get(l.localId!)]),
    );
    const userLinks = await allLinks(tx, PROVIDER, "user");
    const keelUsers = new Map(
      (await tx.select({ id: users.id, email: users.email }).from(users)).map((u) => [u.id, u.email]),
    );
    const ownerOf = new Map(
      userLinks.filter((l) => l.localId).map((l) => [l.externalId, keelUsers.get(l.localId!)]),
    );
    return {
      stageOf,
      ownerOf,
      orgs: await orgNames(
        tx,
        live.map((d) => d.org_id),
      ),
    };
  });
  const rows: Record<string, string>[] = [];
  for (const d of live) {
    const st = d.stage_id ? maps.stageOf.get(String(d.stage_id)) : undefined;
    if (!st) {
      c.skipped++;
      x.errors.push(`deal ${d.id}: its stage ${d.stage_id ?? "(none)"} is not synced`);
      continue;
    }
    rows.push({
      external_id: extId("deal", d.id),
      name: d.title.slice(0, 200),
      pipeline: st.pipeline,
      stage: st.name,
      value: (d.value ?? 0).toFixed(2),
      currency: (d.currency ?? "").toUpperCase(),
      owner_email: d.owner_id ? (maps.ownerOf.get(String(d.owner_id)) ?? "") : "",
      status: d.status,
      stage_entered_on: day(d.stage_change_time) ?? day(d.add_time) ?? "",
      expected_close_on: day(d.expected_close_date) ?? "",
      company: d.org_id ? (maps.orgs.get(String(d.org_id)) ?? "") : "",
    });
  }
  const header = [
    "external_id",
    "name",
    "pipeline",
    "stage",
    "value",
    "currency",
    "owner_email",
    "status",
    "stage_entered_on",
    "expected_close_on",
    "company",
  ];
  const r = await importRows(
    x.deps,
    x.tenantId,
    "deals",
    header,
    rows,
    (row) => `deal ${row.external_id?.split(":")[2]} (${row.name})`,
  );
  c.new += r.created;
  c.updated += r.updated;
  c.unchanged += r.unchanged;
  x.errors.push(...r.errors);
}

/** Notes on deals through the notes import; notes only on persons/organizations are skipped. */
export async function applyNotes(x: Ctx, list: PdNote[], c: EntityCounts): Promise<void> {
  const gone = list.filter((n) => !n.active_flag).map((n) => extId("note", n.id));
  if (gone.length)
    c.deleted += (
      await x.deps.db.tenantTx(x.tenantId, (tx) =>
        tx.delete(dealNotes).where(inArray(dealNotes.externalId, gone)).returning({ id: dealNotes.id }),
      )
    ).length;
  const live = list.filter((n) => n.active_flag && n.deal_id);
  c.skipped += list.filter((n) => n.active_flag && !n.deal_id).length;
  if (!live.length) return;
  const { known, authors } = await x.deps.db.tenantTx(x.tenantId, async (tx) => {
    const ids = [...new Set(live.map((n) => extId("deal", n.deal_id!)))];
    const found = await tx.select({ e: deals.externalId }).from(deals).where(inArray(deals.externalId, ids));
    const userLinks = await allLinks(tx, PROVIDER, "user");
    const keelUsers = new Map(
      (await tx.select({ id: users.id, email: users.email }).from(users)).map((u) => [u.id, u.email]),
    );
    return {
      known: new Set(found.map((f) => f.e)),
      authors: new Map(
        userLinks.filter((l) => l.localId).map((l) => [l.externalId, keelUsers.get(l.localId!)]),
      ),
    };
  });
  const rows: Record<string, string>[] = [];
  for (const n of live) {
    const deal = extId("deal", n.deal_id!);
    const body = htmlToText(n.content).slice(0, 10_000);
    if (!known.has(deal) || !body) {
      c.skipped++;
      continue;
    }
    rows.push({
      external_id: extId("note", n.id),
      deal_external_id: deal,
      body,
      author_email: n.user_id ? (authors.get(String(n.user_id)) ?? "") : "",
      created_on: day(n.add_time) ?? "",
    });
  }
  const r = await importRows(
    x.deps,
    x.tenantId,
    "notes",
    ["external_id", "deal_external_id", "body", "author_email", "created_on"],
    rows,
    (row) => `note ${row.external_id?.split(":")[2]}`,
  );
  c.new += r.created;
  c.updated += r.updated;
  c.unchanged += r.unchanged;
  x.errors.push(...r.errors);
}

/**
 * Activities have no Keel table: they are kept as links, and each affected deal's next step becomes
 * its earliest open activity ("Call Dana (due 2026-12-03)"), written through the deals import.
 */
export async function applyActivities(x: Ctx, list: PdActivity[], c: EntityCounts): Promise<void> {
  const affected = new Set<number>();
  await x.deps.db.tenantTx(x.tenantId, async (tx) => {
    const links = await loadLinks(
      tx,
      PROVIDER,
      "activity",
      list.map((a) => String(a.id)),
    );
    const out: LinkInput[] = [];
    for (const a of list) {
      const key = String(a.id);
      const prevDeal = (links.get(key)?.data as { dealId?: number } | null)?.dealId;
      const d = digest([a.subject, a.done, a.due_date, a.due_time, a.deal_id, a.is_deleted]);
      if (a.is_deleted) {
        if (links.get(key) && !links.get(key)!.deleted) c.deleted++;
        else c.skipped++;
        out.push({ externalId: key, deleted: true, digest: d });
      } else if (tally(c, links, key, d) === "unchanged") continue;
      else
        out.push({
          externalId: key,
          digest: d,
          deleted: false,
          data: {
            dealId: a.deal_id ?? null,
            subject: a.subject ?? a.type ?? "activity",
            due: a.due_date ?? null,
            done: a.done,
          },
        });
      if (a.deal_id) affected.add(a.deal_id);
      if (prevDeal) affected.add(prevDeal);
    }
    await upsertLinks(tx, x.tenantId, PROVIDER, "activity", out, x.now);
  });
  if (affected.size) await refreshNextSteps(x, [...affected]);
}

async function refreshNextSteps(x: Ctx, dealIds: number[]): Promise<void> {
  const rows = await x.deps.db.tenantTx(x.tenantId, async (tx) => {
    const acts = (await linksByData(tx, PROVIDER, "activity", "dealId", dealIds)).filter((l) => !l.deleted);
    const exts = dealIds.map((id) => extId("deal", id));
    const present = new Set(
      (await tx.select({ e: deals.externalId }).from(deals).where(inArray(deals.externalId, exts))).map(
        (r) => r.e,
      ),
    );
    return dealIds
      .filter((id) => present.has(extId("deal", id)))
      .map((id) => {
        const open = acts
          .map((l) => l.data as { dealId?: number; subject?: string; due?: string | null; done?: boolean })
          .filter((a) => a.dealId === id && !a.done)
          .sort((a, b) => String(a.due ?? "9999").localeCompare(String(b.due ?? "9999")));
        const next = open[0];
        return {
          external_id: extId("deal", id),
          next_step: next ? `${next.subject}${next.due ? ` (due ${next.due})` : ""}`.slice(0, 1000) : "",
        };
      });
  });
  const r = await importRows(
    x.deps,
    x.tenantId,
    "deals",
    ["external_id", "next_step"],
    rows,
    (row) => `deal ${row.external_id}`,
  );
  x.errors.push(...r.errors);
}

/** Deleted deals leave Keel (their notes go with them; invoices stay, unlinked). */
export async function deleteDeals(
  x: Ctx,
  ids: (number | string)[],
  mergedInto?: number | string,
): Promise<number> {
  return x.deps.db.tenantTx(x.tenantId, async (tx) => {
    const exts = ids.map((i) => extId("deal", i));
    const found = await tx.select({ id: deals.id }).from(deals).where(inArray(deals.externalId, exts));
    if (!found.length) return 0;
    const local = found.map((f) => f.id);
    if (mergedInto !== undefined) {
      const [to] = await tx
        .select({ id: deals.id })
        .from(deals)
        .where(eq(deals.externalId, extId("deal", mergedInto)));
      if (to) await tx.update(dealNotes).set({ dealId: to.id }).where(inArray(dealNotes.dealId, local));
    }
    await tx.update(invoices).set({ dealId: null }).where(inArray(invoices.dealId, local));
    await tx.delete(deals).where(inArray(deals.id, local));
    return local.length;
  });
}

/** Deleted (or merged-away) persons leave Keel; deals and invoices pointing at them move to the survivor. */
export async function deletePersons(
  x: Ctx,
  ids: (number | string)[],
  mergedInto?: number | string,
): Promise<number> {
  return x.deps.db.tenantTx(x.tenantId, async (tx) => {
    const found = await tx
      .select({ id: contacts.id })
      .from(contacts)
      .where(
        inArray(
          contacts.externalId,
          ids.map((i) => extId("person", i)),
        ),
      );
    if (!found.length) return 0;
    const local = found.map((f) => f.id);
    let to: string | null = null;
    if (mergedInto !== undefined)
      to =
        (
          await tx
            .select({ id: contacts.id })
            .from(contacts)
            .where(eq(contacts.externalId, extId("person", mergedInto)))
        )[0]?.id ?? null;
    await tx.update(deals).set({ contactId: to }).where(inArray(deals.contactId, local));
    await tx.update(invoices).set({ contactId: to }).where(inArray(invoices.contactId, local));
    await tx.delete(contacts).where(inArray(contacts.id, local));
    return local.length;
  });
}

/** Merged organizations: the link records the survivor; company names follow on the next deal/person updates. */
export async function mergeOrganization(x: Ctx, from: string, to: string): Promise<void> {
  await x.deps.db.tenantTx(x.tenantId, (tx) =>
    upsertLinks(
      tx,
      x.tenantId,
      PROVIDER,
      "organization",
      [{ externalId: from, deleted: true, mergedInto: to }],
      x.now,
    ),
  );
}

/** Every Keel deal that came from Pipedrive (full-sync reconciliation finds the ones gone remotely). */
export async function syncedDealIds(deps: Deps, tenantId: string): Promise<string[]> {
  const rows = await deps.db.tenantTx(tenantId, (tx) =>
    tx
      .select({ e: deals.externalId })
      .from(deals)
      .where(like(deals.externalId, "pipedrive:deal:%"))
      .orderBy(asc(deals.externalId)),
  );
  return rows.map((r) => r.e!.split(":")[2]!);
}
