import { and, eq, gt } from "drizzle-orm";
import type { Deps } from "../../deps.js";
import { pendingImports } from "../../infra/db/schema/index.js";
import { AppError, asAppError } from "../../kernel/errors.js";
import { bold, code, escapeMarkdown } from "../../kernel/markdown/index.js";
import { plural } from "../../kernel/text.js";
import { type Reply, textReply } from "../../ports/reply.js";
import { type Actor, can } from "../auth/index.js";
import {
  detectImportKind,
  formatIssue,
  IMPORT_KINDS,
  type ImportKind,
  type ImportReport,
  kindColumns,
  runImport,
} from "../import/index.js";
import {
  type ChatFile,
  classifyFile,
  decodeCsv,
  MAX_FILE_BYTES,
  OTHER_FILE_TEXT,
  TOO_BIG_TEXT,
} from "./files.js";

/** How long an Import button stays good. */
export const PENDING_IMPORT_TTL_MS = 24 * 3_600_000;
/** Errors listed in one chat message; the rest are counted. */
const MAX_LISTED = 50;

export const REFUSAL_TEXT =
  "Thanks! Importing files is for owners and finance people. Ask an owner to import it, or to give you the finance role.";

const firstLine = (text: string) => text.replace(/^\uFEFF/, "").split(/\r?\n/, 1)[0] ?? "";

function header(text: string): string[] {
  return firstLine(text)
    .split(/[,;\t]/)
    .map((h) => h.replace(/^"|"$/g, "").trim().toLowerCase());
}

function summary(r: ImportReport): string {
  const changed = Object.entries(r.fields)
    .sort((a, b) => b[1] - a[1])
    .slice(0, 8)
    .map(([f, n]) => `${f} ${n}`)
    .join(", ");
  const renamed = (r.renamed ?? []).map((c) => `${escapeMarkdown(c.column)} → ${c.field}`).join(", ");
  const left = r.ignored ?? [];
  const ignored =
    left
      .slice(0, 12)
      .map((c) => escapeMarkdown(c))
      .join(", ") + (left.length > 12 ? ` and ${left.length - 12} more` : "");
  return (
    `${plural(r.rows, "row")}: ${bold(String(r.created))} new, ${bold(String(r.updated))} updated, ${r.unchanged} unchanged` +
    (changed ? `\nFields that would change: ${changed}` : "") +
    (renamed ? `\nColumns read as: ${renamed}` : "") +
    (ignored ? `\nLeft out (no Keel field): ${ignored}` : "")
  );
}

function errorList(r: ImportReport): string {
  const lines = r.errors.slice(0, MAX_LISTED).map((i) => `- ${escapeMarkdown(formatIssue(i))}`);
  const more = r.errorCount - lines.length;
  return `${lines.join("\n")}${more > 0 ? `\n…and ${more} more` : ""}`;
}

function unknownKind(name: string): string {
  const lines = IMPORT_KINDS.map((k) => {
    const c = kindColumns(k);
    return `- ${k}: ${c.required.map((g) => g.join(" or ")).join(", ")} (also: ${c.columns.filter((x) => !c.required.flat().includes(x)).join(", ") || "—"})`;
  });
  return `I could not tell what ${escapeMarkdown(name)} holds from its header row. The first row must name the columns; each kind needs:\n${lines.join("\n")}`;
}

/**
 * A file sent in chat: refused for people who may not import, explained when it is not a CSV, too
 * big or broken; otherwise the kind is read from its header row, the import runs as a dry run and
 * the preview comes back with Import / Cancel (the pending import kept in the database).
 */
export async function previewChatFile(
  deps: Deps,
  actor: Actor,
  file: ChatFile,
  download: () => Promise<Uint8Array>,
): Promise<Reply> {
  const log = deps.logger.child({ tenantId: actor.tenantId, feature: "file-import" });
  const verdict = classifyFile(file);
  if (verdict === "other") return textReply(OTHER_FILE_TEXT);
  if (!can(actor, "data.import")) return textReply(REFUSAL_TEXT, { outcome: { kind: "refused" } });
  if (verdict === "too-big") return textReply(TOO_BIG_TEXT);
  let bytes: Uint8Array;
  try {
    bytes = await download();
  } catch (err) {
    log.warn({ err: asAppError(err).code }, "chat file download failed");
    return textReply("I could not download that file. Please send it again in a minute.");
  }
  if (bytes.byteLength > MAX_FILE_BYTES) return textReply(TOO_BIG_TEXT);
  const text = decodeCsv(bytes);
  if (text === undefined || text.trim() === "")
    return textReply(
      `${escapeMarkdown(file.name)} is not a readable CSV file (it is empty, or not UTF-8 text). Export it again as "CSV UTF-8" and send it.`,
    );
  const kinds = detectImportKind(header(text));
  if (kinds.length === 0) return textReply(unknownKind(file.name));
  if (kinds.length > 1) {
    // The header fits several kinds ("external_id,name,company": contacts or deals?): ask.
    const id = await savePending(deps, actor, {
      kind: kinds[0]!,
      fileName: file.name,
      text,
      status: "choosing",
    });
    log.info({ kinds }, "chat file kind asked");
    return textReply(`What does ${bold(file.name)} hold? Its columns fit ${kinds.join(" and ")}.`, {
      actions: kinds.map((k) => ({
        id: `kind-${k}`,
        label: k[0]!.toUpperCase() + k.slice(1),
        intent: { kind: "import.kind" as const, importRef: id, importKind: k },
      })),
    });
  }
  return dryRunPreview(deps, actor, { fileName: file.name, text, kind: kinds[0]! });
}

async function savePending(
  deps: Deps,
  actor: Actor,
  p: {
    kind: ImportKind;
    fileName: string;
    text: string;
    status: "pending" | "choosing";
    report?: ImportReport;
  },
): Promise<string> {
  const [row] = await deps.db.tenantTx(actor.tenantId, (tx) =>
    tx
      .insert(pendingImports)
      .values({
        tenantId: actor.tenantId,
        userId: actor.userId,
        kind: p.kind,
        fileName: p.fileName.slice(0, 200),
        content: p.text,
        status: p.status,
        report: p.report
          ? { rows: p.report.rows, created: p.report.created, updated: p.report.updated }
          : null,
        expiresAt: new Date(deps.clock.now().getTime() + PENDING_IMPORT_TTL_MS),
      })
      .returning({ id: pendingImports.id }),
  );
  return row!.id;
}

/** The dry run of one file as one kind → its errors, or the preview with Import / Cancel. */
async function dryRunPreview(
  deps: Deps,
  actor: Actor,
  f: { fileName: string; text: string; kind: ImportKind; pendingId?: string },
): Promise<Reply> {
  const { fileName, text, kind } = f;
  let report: ImportReport;
  try {
    report = await runImport(deps, actor.tenantId, kind, text, { dryRun: true });
  } catch (err) {
    const e = asAppError(err);
    if (e.code !== "bad_input") throw err;
    deps.logger.info({ tenantId: actor.tenantId, kind }, "chat file is broken CSV");
    return textReply(`${escapeMarkdown(fileName)} is not valid CSV: ${e.userMessage}`);
  }
  deps.logger.info(
    { tenantId: actor.tenantId, kind, rows: report.rows, errors: report.errorCount },
    "chat file previewed",
  );
  if (!report.ok)
    return textReply(
      `${bold(fileName)} (${kind}): nothing imported — ${plural(report.errorCount, "problem")} to fix first:\n${errorList(report)}\n\nFix them and send the file again.`,
    );
  let id = f.pendingId;
  if (id) {
    const pendingId = id;
    await deps.db.tenantTx(actor.tenantId, (tx) =>
      tx
        .update(pendingImports)
        .set({
          kind,
          status: "pending",
          report: { rows: report.rows, created: report.created, updated: report.updated },
        })
        .where(eq(pendingImports.id, pendingId)),
    );
  } else id = await savePending(deps, actor, { kind, fileName, text, status: "pending", report });
  return textReply(
    `${bold(fileName)} looks like ${bold(kind)}. Dry run — nothing is saved yet:\n${summary(report)}\n\nImport it?`,
    {
      actions: [
        {
          id: "import",
          label: "Import",
          style: "primary",
          intent: { kind: "import.confirm", importRef: id },
        },
        { id: "cancel", label: "Cancel", style: "default", intent: { kind: "import.cancel", importRef: id } },
      ],
    },
  );
}

/** The answer to "what does this file hold?": the dry run as that kind. */
export async function chooseImportKind(
  deps: Deps,
  actor: Actor,
  id: string,
  kind: ImportKind,
): Promise<Reply> {
  const row = await pendingRow(deps, actor, id);
  if (row.status !== "choosing" || row.expiresAt <= deps.clock.now()) return textReply(decided(row.status));
  return dryRunPreview(deps, actor, { fileName: row.fileName, text: row.content, kind, pendingId: id });
}

class AlreadyDecided extends Error {
  constructor(readonly status: string) {
    super(status);
  }
}

async function pendingRow(deps: Deps, actor: Actor, id: string) {
  const [row] = await deps.db.tenantTx(actor.tenantId, (tx) =>
    tx.select().from(pendingImports).where(eq(pendingImports.id, id)).limit(1),
  );
  if (!row)
    throw new AppError("not_found", "That import is no longer waiting (unknown or from another company).");
  return row;
}

const decided = (status: string) =>
  status === "choosing"
    ? "First tell me what the file holds (the buttons above), then import it."
    : status === "imported"
      ? "That file was already imported."
      : status === "cancelled"
        ? "That import was cancelled; send the file again to import it."
        : "That import has expired; send the file again.";

/**
 * Import: runs the pending file for real, once. The row is flipped to "imported" inside the
 * import's own transaction (`begin`), so a double click, a retried delivery or two people clicking
 * import it once; a file that has become invalid since the preview imports nothing and stays pending.
 */
export async function confirmImport(deps: Deps, actor: Actor, id: string): Promise<Reply> {
  const row = await pendingRow(deps, actor, id);
  if (row.status !== "pending" || row.expiresAt <= deps.clock.now()) return textReply(decided(row.status));
  let report: ImportReport;
  try {
    report = await runImport(deps, actor.tenantId, row.kind as ImportKind, row.content, {
      begin: async (tx) => {
        const now = deps.clock.now();
        const claimed = await tx
          .update(pendingImports)
          .set({ status: "imported", decidedAt: now })
          .where(
            and(
              eq(pendingImports.id, id),
              eq(pendingImports.status, "pending"),
              gt(pendingImports.expiresAt, now),
            ),
          )
          .returning({ id: pendingImports.id });
        if (claimed.length === 0) {
          const [now2] = await tx
            .select({ s: pendingImports.status })
            .from(pendingImports)
            .where(eq(pendingImports.id, id));
          throw new AlreadyDecided(now2?.s ?? "expired");
        }
      },
    });
  } catch (err) {
    if (err instanceof AlreadyDecided) return textReply(decided(err.status));
    throw err;
  }
  if (!report.ok)
    return textReply(
      `Nothing was imported: the data changed since the preview. ${plural(report.errorCount, "problem")}:\n${errorList(report)}`,
    );
  deps.logger.info({ tenantId: actor.tenantId, kind: row.kind, rows: report.rows }, "chat file imported");
  return textReply(
    `Imported ${bold(row.fileName)} (${row.kind}): ${report.created} new, ${report.updated} updated, ${report.unchanged} unchanged.` +
      (row.kind === "deals" ? ` Try ${code("deals")}.` : ""),
    { outcome: { kind: "decided", decision: "accepted", by: actor.name } },
  );
}

/** Cancel: the pending file is dropped (its content too); Import afterwards says so. */
export async function cancelImport(deps: Deps, actor: Actor, id: string): Promise<Reply> {
  await pendingRow(deps, actor, id);
  const done = await deps.db.tenantTx(actor.tenantId, (tx) =>
    tx
      .update(pendingImports)
      .set({ status: "cancelled", decidedAt: deps.clock.now(), content: "" })
      .where(and(eq(pendingImports.id, id), eq(pendingImports.status, "pending")))
      .returning({ id: pendingImports.id }),
  );
  if (done.length === 0) {
    const row = await pendingRow(deps, actor, id);
    return textReply(decided(row.status));
  }
  return textReply("Import cancelled; nothing was changed.", {
    outcome: { kind: "decided", decision: "rejected", by: actor.name },
  });
}
