import { eq } from "drizzle-orm";
import { llmCalls, tenants, users } from "../../../src/core/infra/db/schema/index.js";
import type { LlmGateway } from "../../../src/core/infra/llm/index.js";
import { createTestDeps, type TestDeps } from "../../support/deps.js";

export interface LlmTestDeps extends TestDeps {
  gateway: LlmGateway;
}

/** Deps with the LLM keys parsed; fast retries so fault tests stay quick. */
export async function llmTestDeps(env: Record<string, string> = {}): Promise<LlmTestDeps> {
  const deps = await createTestDeps({
    LLM_RETRY_BASE_MS: "5",
    OPENAI_TIMEOUT_MS: "8000",
    OLLAMA_TIMEOUT_MS: "8000",
    ...env,
  });
  return Object.assign(deps, { gateway: deps.llm as LlmGateway });
}

export async function makeTenant(
  deps: TestDeps,
  slug: string,
): Promise<{ tenantId: string; userA: string; userB: string }> {
  const [t] = await deps.db.orm
    .insert(tenants)
    .values({ slug, name: `${slug} Ltd` })
    .returning();
  const tenantId = t!.id;
  const rows = await deps.db.tenantTx(tenantId, (tx) =>
    tx
      .insert(users)
      .values([
        { tenantId, email: `a@${slug}.test`, name: "Ann" },
        { tenantId, email: `b@${slug}.test`, name: "Bob" },
      ])
      .returning(),
  );
  return { tenantId, userA: rows[0]!.id, userB: rows[1]!.id };
}

/** The tenant's ledger rows, after flushing the gateway's write-behind queue. */
export async function ledgerRows(deps: TestDeps, tenantId: string) {
  await (deps.llm as LlmGateway).flush();
  return deps.db.tenantTx(tenantId, (tx) =>
    tx.select().from(llmCalls).where(eq(llmCalls.tenantId, tenantId)).orderBy(llmCalls.createdAt),
  );
}
