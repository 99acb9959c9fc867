import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "drizzle-orm";
import { afterAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../../src/config.js";
import { openDatabase } from "../../../src/core/infra/db/client.js";

/**
 * The embedded database as `keel` opens it from a data dir (whatever DATABASE_URL says: this file
 * is about PGlite): Postgres' shared buffers are the configured size, not PGlite's 128 MB (~150 MB of
 * resident memory in every process), and Keel's data lives in `template1` — the database PGlite 0.3
 * used by default — so a data dir made by an earlier Keel opens with its data.
 */
const dir = mkdtempSync(join(tmpdir(), "keel-pglite-options-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const one = async <T>(db: Awaited<ReturnType<typeof openDatabase>>, q: ReturnType<typeof sql>) =>
  (await db.rows<T>(q))[0]!;

describe("embedded database options", () => {
  it("the shared buffers are the configured size; data persists in template1 across opens", async () => {
    const first = await openDatabase({ dataDir: dir, appRole: "keel_app", sharedBuffersMb: 24 });
    try {
      expect(await one(first, sql`show shared_buffers`)).toEqual({ shared_buffers: "24MB" });
      expect(await one(first, sql`select current_database() as db`)).toEqual({ db: "template1" });
      await first.exec("create table kept (v text); insert into kept values ('still here')");
    } finally {
      await first.close();
    }
    const again = await openDatabase({ dataDir: dir, appRole: "keel_app" });
    try {
      expect(await one(again, sql`show shared_buffers`)).toEqual({ shared_buffers: "16MB" });
      expect(await one(again, sql`select v from kept`)).toEqual({ v: "still here" });
    } finally {
      await again.close();
    }
  });

  it("the size is read from KEEL_PGLITE_SHARED_BUFFERS_MB, 16 by default, and a nonsense value is refused", () => {
    expect(loadConfig({}).db.pgliteSharedBuffersMb).toBe(16);
    expect(loadConfig({ KEEL_PGLITE_SHARED_BUFFERS_MB: "64" }).db.pgliteSharedBuffersMb).toBe(64);
    expect(() => loadConfig({ KEEL_PGLITE_SHARED_BUFFERS_MB: "0" })).toThrow(/KEEL_PGLITE_SHARED_BUFFERS_MB/);
  });
});
