import { and, asc, desc, eq, ilike, or, sql } from "drizzle-orm";
import type { Tx } from "../../infra/db/client.js";
import { dealNotes, deals, stages, users } from "../../infra/db/schema/index.js";
import { DAY_MS } from "../../kernel/format.js";

export interface DealRow {
  id: string;
  name: string;
  company: string | null;
  valueMinor: number;
  currency: string;
  status: "open" | "won" | "lost";
  stageId: string;
  stageName: string;
  stagePosition: number;
  probability: number;
  stuckAfterDays: number;
  cycleDays: number;
  checklist: string[];
  isInvoiced: boolean;
  stageEnteredAt: Date;
  ownerUserId: string | null;
  ownerName: string | null;
  ownerEmail: string | null;
  nextStep: string | null;
  expectedCloseOn: string | null;
  paymentTermsDays: number | null;
  facts: Record<string, boolean | string>;
  daysInStage: number;
  stuck: boolean;
}

const dealColumns = {
  id: deals.id,
  name: deals.name,
  company: deals.company,
  valueMinor: deals.valueMinor,
  currency: deals.currency,
  status: deals.status,
  stageId: deals.stageId,
  stageName: stages.name,
  stagePosition: stages.position,
  probability: stages.probability,
  stuckAfterDays: stages.stuckAfterDays,
  cycleDays: stages.cycleDays,
  checklist: stages.checklist,
  isInvoiced: stages.isInvoiced,
  stageEnteredAt: deals.stageEnteredAt,
  ownerUserId: deals.ownerUserId,
  ownerName: users.name,
  ownerEmail: users.email,
  nextStep: deals.nextStep,
  expectedCloseOn: deals.expectedCloseOn,
  paymentTermsDays: deals.paymentTermsDays,
  facts: deals.facts,
};

function enrich(now: Date) {
  return (r: Omit<DealRow, "daysInStage" | "stuck">): DealRow => {
    const daysInStage = Math.floor((now.getTime() - r.stageEnteredAt.getTime()) / DAY_MS);
    return { ...r, daysInStage, stuck: r.status === "open" && daysInStage > r.stuckAfterDays };
  };
}

export interface DealFilter {
  ownerUserId?: string;
  ownerName?: string;
  stage?: string;
  stuck?: boolean;
  status?: "open" | "won" | "lost";
}

export async function listDeals(tx: Tx, now: Date, filter: DealFilter = {}): Promise<DealRow[]> {
  const conds = [eq(deals.status, filter.status ?? "open")];
  if (filter.ownerUserId) conds.push(eq(deals.ownerUserId, filter.ownerUserId));
  if (filter.ownerName)
    conds.push(or(ilike(users.name, `%${filter.ownerName}%`), ilike(users.email, `${filter.ownerName}%`))!);
  if (filter.stage) conds.push(ilike(stages.name, `%${filter.stage}%`));
  const rows = await tx
    .select(dealColumns)
    .from(deals)
    .innerJoin(stages, eq(stages.id, deals.stageId))
    .leftJoin(users, eq(users.id, deals.ownerUserId))
    .where(and(...conds))
    .orderBy(asc(stages.position), desc(deals.valueMinor));
  const out = rows.map(enrich(now));
  return filter.stuck ? out.filter((d) => d.stuck) : out;
}

/**
 * Finds one deal by id, exact name, or unique partial name. Returns candidates when ambiguous.
 * `onlyOwner` restricts the search to one owner's deals (a rep sees only their own).
 */
export async function findDeal(
  tx: Tx,
  now: Date,
  query: string,
  onlyOwner?: string,
): Promise<{ deal?: DealRow; candidates: DealRow[] }> {
  const q = query.trim();
  const isUuid = /^[0-9a-f-]{36}$/i.test(q);
  const owner = onlyOwner ? eq(deals.ownerUserId, onlyOwner) : undefined;
  const rows = await tx
    .select(dealColumns)
    .from(deals)
    .innerJoin(stages, eq(stages.id, deals.stageId))
    .leftJoin(users, eq(users.id, deals.ownerUserId))
    .where(
      and(owner, isUuid ? eq(deals.id, q) : or(ilike(deals.name, `%${q}%`), ilike(deals.company, `%${q}%`))),
    )
    .orderBy(
      sql`case when lower(${deals.name}) = lower(${q}) then 0 else 1 end`,
      // Open deals first: a closed deal is rarely what "deal X" or "remind X" means.
      sql`case when ${deals.status} = 'open' then 0 else 1 end`,
      desc(deals.valueMinor),
    )
    .limit(10);
  const list = rows.map(enrich(now));
  const exact = list.find((d) => d.name.toLowerCase() === q.toLowerCase() || d.id === q);
  if (exact) return { deal: exact, candidates: list };
  if (list.length === 1) return { deal: list[0], candidates: list };
  return { candidates: list };
}

export async function recentNotes(tx: Tx, dealId: string, limit = 3) {
  return tx
    .select({ body: dealNotes.body, createdAt: dealNotes.createdAt })
    .from(dealNotes)
    .where(eq(dealNotes.dealId, dealId))
    .orderBy(desc(dealNotes.createdAt))
    .limit(limit);
}
