import { randomUUID } from "node:crypto";
import { and, eq, sql } from "drizzle-orm";
import { z } from "zod";
import type { Deps } from "../../deps.js";
import type { Tx } from "../../infra/db/client.js";
import { channelLinks, identities, memberships, tenants, users } from "../../infra/db/schema/index.js";
import { AppError } from "../../kernel/errors.js";
import { insertPipeline, readPipeline } from "./pipeline.js";
import { DEFAULT_TEMPLATE, PIPELINE_TEMPLATES } from "./templates.js";

const CURRENCIES = new Set(Intl.supportedValuesOf("currency"));
const TIMEZONES = new Set([...Intl.supportedValuesOf("timeZone"), "UTC"]);

export const isCurrency = (c: string) => CURRENCIES.has(c);
export const isTimezone = (tz: string) => TIMEZONES.has(tz);
export const isLocale = (l: string) => {
  try {
    return /^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/.test(l) && Intl.NumberFormat.supportedLocalesOf(l).length === 1;
  } catch {
    return false;
  }
};

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
  /** How numbers and dates are written for this company (answers, and the decimal mark of imports). */
  locale: z.string().trim().refine(isLocale, "a locale like en-US, de-DE or es-ES").optional(),
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

/** Where a set-up lands: a new tenant (CLI, WhatsApp), or the empty tenant a Slack install made. */
export interface SetupTarget {
  /** Complete this tenant (made by a Slack install, no pipeline yet) instead of creating one. */
  tenantId?: string;
  /** The chat account that answered the set-up; linked to the owner. */
  identity?: { channel: string; externalId: string };
  /** Routes this channel account to the new tenant (a WhatsApp number set up on a shared business number). */
  channelLink?: { channel: string; externalId: string };
}

/**
 * Creates a company: the tenant, its owner (user + owner membership, with the chat identity that
 * answered, if any) and the default pipeline from a template — or completes the empty tenant a Slack
 * install created. One implementation for `keel setup` and the chat set-up. Refuses a slug that is
 * taken rather than touching another company.
 */
export async function createCompany(deps: Deps, input: SetupInput, target: SetupTarget = {}) {
  const checked = checkSetup(input);
  if (!checked.ok)
    throw new AppError("bad_input", `Cannot set up the company:\n  - ${checked.errors.join("\n  - ")}`);
  const v = checked.value;
  const template = PIPELINE_TEMPLATES[v.pipeline]!;
  // One transaction for tenant, owner and pipeline: a failure leaves no half-made company behind.
  const id = target.tenantId ?? randomUUID();
  const made = await deps.db.tenantTx(id, async (tx) => {
    const values = { slug: v.slug, name: v.company, currency: v.currency, timezone: v.timezone };
    const locale = v.locale ? { locale: Intl.getCanonicalLocales(v.locale)[0]! } : {};
    const [tenant] = target.tenantId
      ? await tx
          .update(tenants)
          .set({
            ...values,
            ...(v.locale ? { settings: sql`${tenants.settings} || ${JSON.stringify(locale)}::jsonb` } : {}),
          })
          .where(eq(tenants.id, id))
          .returning()
      : await tx
          .insert(tenants)
          .values({ id, ...values, settings: locale })
          .onConflictDoNothing()
          .returning();
    if (!tenant) return undefined;
    const owner = await upsertOwner(tx, id, v, target.identity);
    if (!(await readPipeline(tx))) await insertPipeline(tx, id, template.pipelineName, template.stages);
    if (target.channelLink) await tx.insert(channelLinks).values({ tenantId: id, ...target.channelLink });
    return { tenant, owner };
  });
  if (!made)
    throw new AppError("conflict", `A company with the slug "${v.slug}" already exists; pick another slug.`);
  const { tenant, owner } = made;
  deps.logger.info({ tenantId: tenant.id, slug: tenant.slug, template: template.id }, "company set up");
  return { tenant, owner, template };
}

/** The owner: the user behind the answering identity (renamed to the given e-mail), else by e-mail, else new. */
async function upsertOwner(
  tx: Tx,
  tenantId: string,
  v: z.output<typeof setupSchema>,
  identity: SetupTarget["identity"],
) {
  const name = v.ownerName || nameFromEmail(v.owner);
  const [linked] = identity
    ? await tx
        .select({ userId: identities.userId })
        .from(identities)
        .where(and(eq(identities.channel, identity.channel), eq(identities.externalId, identity.externalId)))
        .limit(1)
    : [];
  const [byEmail] = await tx.select().from(users).where(eq(users.email, v.owner)).limit(1);
  let u: typeof users.$inferSelect;
  if (byEmail) u = byEmail;
  else if (linked)
    [u] = (await tx
      .update(users)
      .set({ email: v.owner, name, timezone: v.timezone })
      .where(eq(users.id, linked.userId))
      .returning()) as [typeof users.$inferSelect];
  else
    [u] = (await tx
      .insert(users)
      .values({ tenantId, email: v.owner, name, timezone: v.timezone })
      .returning()) as [typeof users.$inferSelect];
  await tx
    .insert(memberships)
    .values({ tenantId, userId: u.id, role: "owner" })
    .onConflictDoUpdate({ target: [memberships.tenantId, memberships.userId], set: { role: "owner" } });
  if (identity) {
    if (linked && linked.userId !== u.id)
      await tx
        .update(identities)
        .set({ userId: u.id })
        .where(and(eq(identities.channel, identity.channel), eq(identities.externalId, identity.externalId)));
    else if (!linked)
      await tx
        .insert(identities)
        .values({ tenantId, userId: u.id, channel: identity.channel, externalId: identity.externalId })
        .onConflictDoNothing();
  }
  return u;
}

export async function tenantExists(deps: Deps, slug: string): Promise<boolean> {
  return (
    (await deps.db.orm.select({ id: tenants.id }).from(tenants).where(eq(tenants.slug, slug)).limit(1))
      .length > 0
  );
}

/** A free slug for a company name: the name's own slug, else with a short random suffix. */
export async function freeSlug(deps: Deps, base: string): Promise<string> {
  const root = (base.length >= 2 ? base : `company-${base}`).slice(0, 33).replace(/-+$/, "");
  if (!(await tenantExists(deps, root))) return root;
  for (;;) {
    const s = `${root}-${randomUUID().slice(0, 6)}`;
    if (!(await tenantExists(deps, s))) return s;
  }
}

/** Whether a tenant is ready for work: it has a pipeline (a Slack install makes an empty tenant). */
export async function companyReady(deps: Deps, tenantId: string): Promise<boolean> {
  return deps.db.tenantTx(tenantId, async (tx) => (await readPipeline(tx)) !== undefined);
}
