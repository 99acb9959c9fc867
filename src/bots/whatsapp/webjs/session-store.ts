import { mkdir, readFile, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { and, eq } from "drizzle-orm";
import type { Deps } from "../../../core/deps.js";
import { whatsappSessions } from "../../../core/infra/db/schema/index.js";

/**
 * whatsapp-web.js RemoteAuth store in Postgres. RemoteAuth zips the browser profile to
 * `<dataPath>/<session>.zip` and calls `save({ session })`; `extract` writes the zip back to the path
 * it is given before the browser starts. Rows are tenant data (RLS), one per session name.
 */
export class PgSessionStore {
  constructor(
    private readonly deps: Deps,
    private readonly tenantId: string,
    /** RemoteAuth's dataPath (absolute), where it writes `<session>.zip`. */
    private readonly dataPath: string,
  ) {}

  private where(session: string) {
    return and(eq(whatsappSessions.tenantId, this.tenantId), eq(whatsappSessions.session, session));
  }

  async sessionExists({ session }: { session: string }): Promise<boolean> {
    const rows = await this.deps.db.tenantTx(this.tenantId, (tx) =>
      tx.select({ s: whatsappSessions.session }).from(whatsappSessions).where(this.where(session)).limit(1),
    );
    return rows.length > 0;
  }

  async save({ session }: { session: string }): Promise<void> {
    const data = await readFile(join(this.dataPath, `${session}.zip`));
    const now = this.deps.clock.now();
    await this.deps.db.tenantTx(this.tenantId, (tx) =>
      tx
        .insert(whatsappSessions)
        .values({ tenantId: this.tenantId, session, data, updatedAt: now })
        .onConflictDoUpdate({
          target: [whatsappSessions.tenantId, whatsappSessions.session],
          set: { data, updatedAt: now },
        }),
    );
    this.deps.logger.child({ channel: "whatsapp" }).info({ bytes: data.length }, "whatsapp session saved");
  }

  async extract({ session, path }: { session: string; path: string }): Promise<void> {
    const [row] = await this.deps.db.tenantTx(this.tenantId, (tx) =>
      tx.select({ data: whatsappSessions.data }).from(whatsappSessions).where(this.where(session)).limit(1),
    );
    if (!row) return;
    // RemoteAuth does not create its dataPath: on a fresh container the restore would fail with ENOENT.
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, row.data);
  }

  async delete({ session }: { session: string }): Promise<void> {
    await this.deps.db.tenantTx(this.tenantId, (tx) =>
      tx.delete(whatsappSessions).where(this.where(session)),
    );
  }
}
