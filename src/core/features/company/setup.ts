import { randomUUID } from "node:crypto";
import { eq } from "drizzle-orm";
import { z } from "zod";
import type { Deps } from "../../deps.js";
import { memberships, tenants, users } from "../../infra/db/schema/index.js";
import { AppError } from "../../kernel/errors.js";
import { insertPipeline } from "./pipeline.js";
import { DEFAULT_TEMPLATE, PIPELINE_TEMPLATES } from "./templates.js";

const CURRENCIES = new Set(Intl.supportedValuesOf("currency"));
const TIMEZONES = new Set([...Intl.supportedValuesOf("timeZone"), "UTC"]);

export const isCurrency = (c: string) => CURRENCIES.has(c);
export const isTimezone = (tz: string) => TIMEZONES.has(tz);

/** What `keel setup` (flags or wizard) and the chat set-up ask for; each field says what it expects. */
export const setupSchema = z.object({
  company: z.string().trim().min(1, "the company's name is required").max(120),
  slug: z
    .string()
    .trim()
    .regex(/^[a-z0-9][a-z0-9-]{1,39}$/, "2–40 lowercase letters, digits or dashes, like acme-trading"),
  currency: z
    .string()
    .trim()
    .transform((c) => c.toUpperCase())
    .refine(isCurrency, "an ISO 4217 currency code like USD, EUR or GBP"),
  timezone: z.string().trim().refine(isTimezone, "an IANA time zone like Europe/Berlin or America/New_York"),
  owner: z.string().trim().toLowerCase().pipe(z.email("the owner's e-mail address")),
  ownerName: z.string().trim().max(120).optional(),
  pipeline: z
    .string()
    .default(DEFAULT_TEMPLATE)
    .refine((t) => t in PIPELINE_TEMPLATES, `one of: ${Object.keys(PIPELINE_TEMPLATES).join(", ")}`),
});

export type SetupInput = z.input<typeof setupSchema>;

/** Checks a set-up request; returns every problem as "field: expected …". */
export function checkSetup(input: SetupInput) {
  const r = setupSchema.safeParse(input);
  return r.success
    ? ({ ok: true, value: r.data } as const)
    : ({ ok: false, errors: r.error.issues.map((i) => `${String(i.path[0])}: ${i.message}`) } as const);
}

/** A name from an address when none was given: "jane.doe@x" → "Jane Doe". */
export function nameFromEmail(email: string): string {
  return email
    .split("@")[0]!
    .split(/[._-]+/)
    .filter(Boolean)
    .map((w) => w[0]!.toUpperCase() + w.slice(1))
    .join(" ");
}

/**
 * Creates a company from nothing: the tenant, its owner (user + owner membership) and the default
 * pipeline from a template. Refuses a slug that is taken rather than touching another company.
 */
export async function createCompany(deps: Deps, input: SetupInput) {
  const checked = checkSetup(input);
  if (!checked.ok)
    throw new AppError("bad_input", `Cannot set up the company:\n  - ${checked.errors.join("\n  - ")}`);
  const v = checked.value;
  const template = PIPELINE_TEMPLATES[v.pipeline]!;
  // One transaction for tenant, owner and pipeline: a failure leaves no half-made company behind.
  const id = randomUUID();
  const made = await deps.db.tenantTx(id, async (tx) => {
    const [tenant] = await tx
      .insert(tenants)
      .values({ id, slug: v.slug, name: v.company, currency: v.currency, timezone: v.timezone })
      .onConflictDoNothing()
      .returning();
    if (!tenant) return undefined;
    const [u] = await tx
      .insert(users)
      .values({
        tenantId: id,
        email: v.owner,
        name: v.ownerName || nameFromEmail(v.owner),
        timezone: v.timezone,
      })
      .returning();
    await tx.insert(memberships).values({ tenantId: id, userId: u!.id, role: "owner" });
    await insertPipeline(tx, id, template.pipelineName, template.stages);
    return { tenant, owner: u! };
  });
  if (!made)
    throw new AppError("conflict", `A company with the slug "${v.slug}" already exists; pick another slug.`);
  const { tenant, owner } = made;
  deps.logger.info({ tenantId: tenant.id, slug: tenant.slug, template: template.id }, "company set up");
  return { tenant, owner, template };
}

export async function tenantExists(deps: Deps, slug: string): Promise<boolean> {
  return (
    (await deps.db.orm.select({ id: tenants.id }).from(tenants).where(eq(tenants.slug, slug)).limit(1))
      .length > 0
  );
}
