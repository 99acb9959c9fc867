import { randomUUID } from "node:crypto";
import { eq } from "drizzle-orm";
import { createCompany } from "../../../src/core/features/company/index.js";
import { connectStripe } from "../../../src/core/features/stripe/index.js";
import { actorByEmail } from "../../../src/core/features/tenancy/index.js";
import type { Tx } from "../../../src/core/infra/db/client.js";
import { contacts, invoices, payments } from "../../../src/core/infra/db/schema/index.js";
import { createLogger } from "../../../src/core/infra/logger.js";
import { createDispatcher } from "../../../src/core/intents/dispatcher.js";
import type { Intent } from "../../../src/core/intents/intent.js";
import { parseText } from "../../../src/core/intents/parse.js";
import { fixedClock } from "../../../src/core/ports/clock.js";
import { registry } from "../../../src/core/registry.js";
import { createTestDeps, type TestDeps } from "../../support/deps.js";
import { FakeStripeApi } from "../../support/fake-stripe-api.js";

/** Canary secrets: they must never show up in a log line or in the database in clear. */
export const KEY = "sk_test_51CanaryKeyQ7d3F0xk29bLmZ8wYvTt";
export const WHSEC = "whsec_CanaryWebhookSecret5Hq2Lw9Zp";
export const T0 = "2026-11-02T09:00:00Z";
export const t0 = Math.floor(Date.parse(T0) / 1000);
export const DAY = 86_400;

export interface StripeHarness {
  d: TestDeps;
  fake: FakeStripeApi;
  clock: ReturnType<typeof fixedClock>;
  tenantId: string;
  webhookKey: string;
  logs: string[];
  ask(text: string): ReturnType<ReturnType<typeof createDispatcher>["dispatch"]>;
  invoice(externalId: string): Promise<typeof invoices.$inferSelect | undefined>;
  paymentsOf(invoiceId: string): Promise<(typeof payments.$inferSelect)[]>;
  contact(externalId: string): Promise<typeof contacts.$inferSelect | undefined>;
  close(): Promise<void>;
}

/**
 * A company connected to a local Stripe (the official client pointed at it), Keel's clock fixed at
 * T0 and Stripe's history starting 60 days before it; every log line is kept for the canary checks.
 */
export async function stripeHarness(
  opts: { slug?: string; currency?: string; env?: Record<string, string> } = {},
): Promise<StripeHarness> {
  const fake = new FakeStripeApi(KEY);
  fake.clock = t0 - 60 * DAY;
  const base = await fake.start();
  const clock = fixedClock(T0);
  const logs: string[] = [];
  const logger = createLogger({ level: "trace", destination: { write: (s: string) => void logs.push(s) } });
  const d = await createTestDeps(
    {
      KEEL_SECRET: "test-secret-for-sealing-0123456789",
      STRIPE_API_URL: base,
      STRIPE_MAX_NETWORK_RETRIES: "2",
      ...opts.env,
    },
    { clock, logger },
  );
  const slug = opts.slug ?? "harbour";
  const { tenant } = await createCompany(d, {
    company: "Harbour Supplies",
    slug,
    currency: opts.currency ?? "USD",
    timezone: "UTC",
    owner: `owner@${slug}.example`,
  });
  const connected = await connectStripe(d, tenant.id, { secretKey: KEY, webhookSecret: WHSEC });
  const webhookKey = new URL(`http://x${connected.webhookPath}`).searchParams.get("key")!;
  const tx = <T>(fn: (t: Tx) => Promise<T>) => d.db.tenantTx(tenant.id, fn);
  return {
    d,
    fake,
    clock,
    tenantId: tenant.id,
    webhookKey,
    logs,
    async ask(text) {
      const a = await actorByEmail(d.db, tenant.id, `owner@${slug}.example`);
      const intent = {
        ...parseText(text),
        origin: { tenantId: tenant.id, userId: a.userId, channel: "console", conversationId: "c" },
        idempotencyKey: randomUUID(),
      } as Intent;
      return createDispatcher(d, registry).dispatch(intent);
    },
    invoice: async (ext) =>
      (await tx((t) => t.select().from(invoices).where(eq(invoices.externalId, ext))))[0],
    paymentsOf: (id) => tx((t) => t.select().from(payments).where(eq(payments.invoiceId, id))),
    contact: async (ext) =>
      (await tx((t) => t.select().from(contacts).where(eq(contacts.externalId, ext))))[0],
    async close() {
      await d.cleanup();
      await fake.stop();
    },
  };
}
