import { and, eq, inArray, sql } from "drizzle-orm";
import type { Tx } from "../../infra/db/client.js";
import { connectorObjects } from "../../infra/db/schema/index.js";

export type ConnectorObject = typeof connectorObjects.$inferSelect;

export interface LinkInput {
  externalId: string;
  localId?: string | null;
  digest?: string | null;
  deleted?: boolean;
  mergedInto?: string | null;
  data?: Record<string, unknown> | null;
}

/** What the given remote objects became locally, by external id (one query per batch). */
export async function loadLinks(
  tx: Tx,
  provider: string,
  entity: string,
  externalIds: readonly string[],
): Promise<Map<string, ConnectorObject>> {
  const out = new Map<string, ConnectorObject>();
  if (!externalIds.length) return out;
  const rows = await tx
    .select()
    .from(connectorObjects)
    .where(
      and(
        eq(connectorObjects.provider, provider),
        eq(connectorObjects.entity, entity),
        inArray(connectorObjects.externalId, [...new Set(externalIds)]),
      ),
    );
  for (const r of rows) out.set(r.externalId, r);
  return out;
}

/** Every link of one entity (small entities: pipelines, stages, users). */
export async function allLinks(tx: Tx, provider: string, entity: string): Promise<ConnectorObject[]> {
  return tx
    .select()
    .from(connectorObjects)
    .where(and(eq(connectorObjects.provider, provider), eq(connectorObjects.entity, entity)));
}

/** Inserts or updates links; only the given fields change on an existing link. */
export async function upsertLinks(
  tx: Tx,
  tenantId: string,
  provider: string,
  entity: string,
  links: readonly LinkInput[],
  now: Date,
): Promise<void> {
  if (!links.length) return;
  // One statement per distinct field set keeps "absent fields untouched" without per-row queries.
  const byShape = new Map<string, LinkInput[]>();
  for (const l of links) {
    const shape = Object.keys(l).sort().join(",");
    byShape.set(shape, [...(byShape.get(shape) ?? []), l]);
  }
  for (const group of byShape.values()) {
    const sample = group[0]!;
    const set: Record<string, unknown> = { updatedAt: now };
    for (const k of ["localId", "digest", "deleted", "mergedInto", "data"] as const)
      if (k in sample) set[k] = sql.raw(`excluded.${toColumn(k)}`);
    await tx
      .insert(connectorObjects)
      .values(
        group.map((l) => ({
          tenantId,
          provider,
          entity,
          externalId: l.externalId,
          localId: l.localId ?? null,
          digest: l.digest ?? null,
          deleted: l.deleted ?? false,
          mergedInto: l.mergedInto ?? null,
          data: l.data ?? null,
          updatedAt: now,
        })),
      )
      .onConflictDoUpdate({
        target: [
          connectorObjects.tenantId,
          connectorObjects.provider,
          connectorObjects.entity,
          connectorObjects.externalId,
        ],
        set,
      });
  }
}

const toColumn = (k: string) => k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

/** Links of one entity whose `data[key]` is one of `values` (e.g. the activities of given deals). */
export async function linksByData(
  tx: Tx,
  provider: string,
  entity: string,
  key: string,
  values: readonly (string | number)[],
): Promise<ConnectorObject[]> {
  if (!values.length) return [];
  return tx
    .select()
    .from(connectorObjects)
    .where(
      and(
        eq(connectorObjects.provider, provider),
        eq(connectorObjects.entity, entity),
        inArray(sql`${connectorObjects.data}->>${key}`, values.map(String)),
      ),
    );
}
