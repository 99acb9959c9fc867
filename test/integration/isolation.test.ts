import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { deals, tenants, users } from "../../src/core/infra/db/schema/index.js";
import { createTestDeps, realPostgres, type TestDeps } from "../support/deps.js";

function rowsOf<T>(res: unknown): T[] {
  return (Array.isArray(res) ? res : (res as { rows: T[] }).rows) as T[];
}

describe("tenant isolation (row-level security)", () => {
  let d: TestDeps;
  let a: string;
  let b: string;
  let userB: string;

  beforeAll(async () => {
    d = await createTestDeps();
    [{ id: a }] = (await d.db.orm
      .insert(tenants)
      .values({ slug: "a", name: "A" })
      .returning()) as unknown as [{ id: string }];
    [{ id: b }] = (await d.db.orm
      .insert(tenants)
      .values({ slug: "b", name: "B" })
      .returning()) as unknown as [{ id: string }];
    await d.db.tenantTx(a, (tx) => tx.insert(users).values({ tenantId: a, email: "a@x", name: "Ann" }));
    const [u] = await d.db.tenantTx(b, (tx) =>
      tx.insert(users).values({ tenantId: b, email: "b@x", name: "Bob" }).returning(),
    );
    userB = u!.id;
  });
  afterAll(() => d.cleanup());

  it("tenant A cannot read tenant B's rows", async () => {
    const seen = await d.db.tenantTx(a, (tx) => tx.select().from(users));
    expect(seen.map((u) => u.email)).toEqual(["a@x"]);
    const direct = await d.db.tenantTx(a, (tx) => tx.select().from(users).where(eq(users.id, userB)));
    expect(direct).toHaveLength(0);
  });

  it("tenant A's updates and deletes of B's rows touch 0 rows", async () => {
    const upd = await d.db.tenantTx(a, (tx) =>
      tx.update(users).set({ name: "pwned" }).where(eq(users.id, userB)).returning(),
    );
    expect(upd).toHaveLength(0);
    const del = await d.db.tenantTx(a, (tx) => tx.delete(users).where(eq(users.id, userB)).returning());
    expect(del).toHaveLength(0);
    const still = await d.db.tenantTx(b, (tx) => tx.select().from(users));
    expect(still.map((u) => u.name)).toEqual(["Bob"]);
  });

  it("tenant A cannot insert rows for tenant B", async () => {
    await expect(
      d.db.tenantTx(a, (tx) => tx.insert(users).values({ tenantId: b, email: "evil@x", name: "Eve" })),
    ).rejects.toThrow();
  });

  it("with no tenant set, tenant tables return 0 rows", async () => {
    const res = await d.db.orm.transaction(async (tx) => {
      await tx.execute(sql.raw(`set local role "${d.config.db.appRole}"`));
      return tx.select().from(users);
    });
    expect(res).toHaveLength(0);
    const res2 = await d.db.tenantTx("00000000-0000-0000-0000-000000000000", (tx) => tx.select().from(deals));
    expect(res2).toHaveLength(0);
  });

  it("every table with a tenant_id column has RLS enabled and forced", async () => {
    const rows = rowsOf<{ relname: string; relrowsecurity: boolean; relforcerowsecurity: boolean }>(
      await d.db.orm.execute(sql`
        select c.relname, c.relrowsecurity, c.relforcerowsecurity
        from pg_class c join pg_namespace n on n.oid = c.relnamespace
        where n.nspname = 'public' and c.relkind = 'r'
          and exists (select 1 from pg_attribute a where a.attrelid = c.oid and a.attname = 'tenant_id' and not a.attisdropped)`),
    );
    expect(rows.length).toBeGreaterThanOrEqual(20);
    for (const r of rows)
      expect({ table: r.relname, enabled: r.relrowsecurity, forced: r.relforcerowsecurity }).toEqual({
        table: r.relname,
        enabled: true,
        forced: true,
      });
  });

  it.runIf(realPostgres)(
    "the app connects as a role that is not owner, not superuser and has no BYPASSRLS",
    async () => {
      const [me] = rowsOf<{ current_user: string; rolsuper: boolean; rolbypassrls: boolean }>(
        await d.db.orm.execute(
          sql`select current_user, r.rolsuper, r.rolbypassrls from pg_roles r where r.rolname = current_user`,
        ),
      );
      expect(me!.rolsuper).toBe(false);
      expect(me!.rolbypassrls).toBe(false);
      const owned = rowsOf<{ n: number }>(
        await d.db.orm.execute(
          sql`select count(*)::int as n from pg_tables where schemaname = 'public' and tableowner = current_user`,
        ),
      );
      expect(owned[0]!.n).toBe(0);
      const [role] = rowsOf<{ rolsuper: boolean; rolbypassrls: boolean }>(
        await d.db.orm.execute(
          sql`select rolsuper, rolbypassrls from pg_roles where rolname = ${d.config.db.appRole}`,
        ),
      );
      expect(role).toEqual({ rolsuper: false, rolbypassrls: false });
    },
  );
});
