import { sql } from "drizzle-orm";
import { resultRows, type Tx } from "../../infra/db/client.js";
import { formatMoney } from "../../kernel/format.js";

export interface ApprovalDelay {
  /** Drafts decided (approved, rejected) in the window. */
  decided: number;
  /** Median hours from created to decided. */
  medianHours: number | null;
  /** Amount (minor units) per currency of the drafts that waited more than 24 h before a decision. */
  waitedOver24hMinor: Record<string, number>;
}

/** What approvals cost in delay over the 7 days before `now`: one query, the digest's source. */
export async function approvalDelay(tx: Tx, now: Date): Promise<ApprovalDelay> {
  const since = new Date(now.getTime() - 7 * 86_400_000).toISOString();
  const window = sql`decided_at is not null and decided_at > ${since}::timestamptz and decided_at <= ${now.toISOString()}::timestamptz`;
  const hours = sql`extract(epoch from decided_at - created_at) / 3600`;
  const typed = resultRows<{ currency: string | null; n: string; late: string }>(
    await tx.execute(sql`
      select coalesce(policy->>'currency', 'USD') as currency, count(*) as n,
             coalesce(sum((policy->>'amountMinor')::bigint) filter (where decided_at - created_at > interval '24 hours'), 0) as late
      from drafts where ${window} group by 1`),
  );
  const [m] = resultRows<{ median: string | null }>(
    await tx.execute(sql`
      select percentile_cont(0.5) within group (order by ${hours}) as median from drafts where ${window}`),
  );
  const waitedOver24hMinor: Record<string, number> = {};
  for (const r of typed) if (Number(r.late) > 0) waitedOver24hMinor[r.currency ?? "USD"] = Number(r.late);
  return {
    decided: typed.reduce((s, r) => s + Number(r.n), 0),
    medianHours: m?.median === null || m?.median === undefined ? null : Number(m.median),
    waitedOver24hMinor,
  };
}

/** "approvals took 19 h median this week; $62,000 waited > 24 h" — or null when nothing was decided. */
export function approvalDelayLine(d: ApprovalDelay): string | null {
  if (!d.decided || d.medianHours === null) return null;
  const h = d.medianHours < 1 ? "under 1 h" : `${Math.round(d.medianHours)} h`;
  const head =
    d.decided === 1
      ? `1 approval this week, decided in ${h}`
      : `${d.decided} approvals this week took ${h} median`;
  const late = Object.entries(d.waitedOver24hMinor).map(([c, m]) => formatMoney(m, c));
  return late.length ? `${head}; ${late.join(" + ")} waited > 24 h` : `${head}; none waited > 24 h`;
}
