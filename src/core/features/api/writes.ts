import { eq } from "drizzle-orm";
import type { Deps } from "../../deps.js";
import { deals } from "../../infra/db/schema/index.js";
import { AppError } from "../../kernel/errors.js";
import { type Actor, ownDealsOnly } from "../auth/index.js";
import { type ImportKind, type ImportReport, importRecords } from "../import/index.js";
import { getTenant } from "../tenancy/index.js";

/** A JSON item as sent: field → string, number, boolean or null (null clears an optional field). */
export type Item = Record<string, string | number | boolean | null>;

class Rollback extends Error {}

/** JSON values become the cells the import rules parse: null → empty (clears), true → "yes". */
function cellOf(v: string | number | boolean | null): string {
  if (v === null) return "";
  if (typeof v === "boolean") return v ? "yes" : "no";
  return String(v);
}

/**
 * Writes items through THE import implementation (same parsing, references, domain rules and upsert
 * by stable key as `keel import`), in one tenant transaction: all or nothing. Each item is a row whose
 * line is its index; a key absent from an item leaves that field untouched.
 */
export async function upsertItems(
  deps: Deps,
  actor: Actor,
  kind: ImportKind,
  items: Item[],
  opts: { dryRun?: boolean } = {},
): Promise<ImportReport> {
  const tenant = await getTenant(deps.db, actor.tenantId);
  const header = [...new Set(items.flatMap((i) => Object.keys(i)))];
  let report: ImportReport | undefined;
  try {
    await deps.db.tenantTx(actor.tenantId, async (tx) => {
      report = await importRecords(
        tx,
        { tenantId: actor.tenantId, currency: tenant?.currency ?? "USD", now: deps.clock.now() },
        kind,
        {
          header,
          headerLine: -1,
          strictHeader: true,
          records: items.map((item, line) => ({
            line,
            cells: Object.keys(item).length,
            fields: Object.fromEntries(Object.entries(item).map(([k, v]) => [k, cellOf(v)])),
          })),
        },
        opts,
      );
      if (!report.ok || opts.dryRun) throw new Rollback();
    });
  } catch (e) {
    if (!(e instanceof Rollback)) throw e;
  }
  deps.logger.info(
    { tenantId: actor.tenantId, kind, rows: report!.rows, errors: report!.errorCount, via: "api" },
    "api write",
  );
  return report!;
}

/** The key the import rules find a deal by (its external id, else its name); 404 when not visible. */
export async function dealKey(deps: Deps, actor: Actor, dealId: string): Promise<Item> {
  const own = ownDealsOnly(actor);
  const [d] = await deps.db.tenantTx(actor.tenantId, (tx) =>
    tx
      .select({ id: deals.id, name: deals.name, externalId: deals.externalId, owner: deals.ownerUserId })
      .from(deals)
      .where(eq(deals.id, dealId))
      .limit(1),
  );
  if (!d || (own && d.owner !== own)) throw new AppError("not_found", `No deal ${dealId}.`);
  return d.externalId ? { external_id: d.externalId } : { name: d.name };
}

/** Moves a deal to a stage (history recorded by the deals import rule). */
export function moveDealStage(deps: Deps, actor: Actor, key: Item, stage: string, enteredOn?: string) {
  return upsertItems(deps, actor, "deals", [
    { ...key, stage, ...(enteredOn ? { stage_entered_on: enteredOn } : {}) },
  ]);
}

/** Adds a note to a deal through the notes import rule (same text on the same deal is one note). */
export function addDealNote(deps: Deps, actor: Actor, key: Item, note: Item) {
  const deal: Item =
    key.external_id !== undefined ? { deal_external_id: key.external_id } : { deal: key.name ?? null };
  return upsertItems(deps, actor, "notes", [{ author_email: actor.email, ...note, ...deal }]);
}
