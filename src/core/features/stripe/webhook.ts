import Stripe from "stripe";
import type { Deps } from "../../deps.js";
import { isAppError } from "../../kernel/errors.js";
import { loadLinks, openSecrets, tenantForWebhook, upsertLinks } from "../connectors/index.js";
import { touchedBy } from "./remote.js";
import { applyTouched, PROVIDER } from "./sync.js";

/** Stripe's own events are a few KiB; anything near this is not one. */
export const WEBHOOK_MAX_BYTES = 256 * 1024;

export interface WebhookInput {
  /** The public webhook key from the endpoint URL (?key=…), naming the tenant. */
  key: string | undefined;
  signature: string | undefined;
  /** Raw body; null when it was over WEBHOOK_MAX_BYTES. */
  body: string | null;
}

export interface WebhookOutcome {
  status: 200 | 400 | 413 | 500 | 503;
  body: { received: boolean; error?: string; duplicate?: boolean; ignored?: boolean };
}

const refuse = (status: 400 | 413, error: string): WebhookOutcome => ({
  status,
  body: { received: false, error },
});

/**
 * A Stripe webhook delivery: the tenant from the endpoint's key, the signature checked with the
 * official `webhooks.constructEvent` against that tenant's signing secret (timestamp tolerance
 * STRIPE_WEBHOOK_TOLERANCE_SECONDS), a replayed event id refused, then the touched objects re-read
 * from Stripe and imported. Every refusal is a 4xx and one log line, never a throw; a failure on our
 * side is a 5xx so Stripe retries.
 */
export async function handleStripeWebhook(deps: Deps, input: WebhookInput): Promise<WebhookOutcome> {
  const log = deps.logger.child({ provider: PROVIDER, route: "webhook" });
  if (input.body === null) {
    log.warn({ limit: WEBHOOK_MAX_BYTES }, "stripe webhook refused: body too large");
    return refuse(413, "too_large");
  }
  if (!input.signature) {
    log.warn("stripe webhook refused: no Stripe-Signature header");
    return refuse(400, "no_signature");
  }
  const tenantId =
    input.key && /^[A-Za-z0-9_-]{8,100}$/.test(input.key)
      ? await tenantForWebhook(deps.db, PROVIDER, input.key)
      : null;
  if (!tenantId) {
    log.warn("stripe webhook refused: unknown endpoint key");
    return refuse(400, "unknown_endpoint");
  }
  let secrets: Record<string, string>;
  try {
    secrets = await openSecrets(deps, tenantId, PROVIDER);
  } catch (err) {
    log.error({ err, tenantId }, "stripe webhook: cannot open the connector's secrets");
    return { status: 500, body: { received: false, error: "internal" } };
  }
  if (!secrets.webhookSecret || !secrets.secretKey) {
    log.warn(
      { tenantId },
      "stripe webhook refused: no signing secret configured (keel connect stripe --webhook-secret)",
    );
    return refuse(400, "no_webhook_secret");
  }
  let event: Stripe.Event;
  const now = Math.floor(deps.clock.now().getTime() / 1000);
  const tolerance = deps.config.stripe.STRIPE_WEBHOOK_TOLERANCE_SECONDS;
  try {
    // The library refuses old timestamps only; one far in the future is as suspect.
    const t = Number(/(?:^|,)t=(\d+)/.exec(input.signature)?.[1]);
    if (t > now + tolerance) throw new Error("Timestamp in the future, outside the tolerance zone");
    const stripe = new Stripe(secrets.secretKey);
    event = stripe.webhooks.constructEvent(
      input.body,
      input.signature,
      secrets.webhookSecret,
      tolerance,
      undefined,
      // In milliseconds (the library divides by 1000).
      deps.clock.now().getTime(),
    );
  } catch (e) {
    // The library's messages name the problem (no matching signature, timestamp outside the
    // tolerance, unparsable header or body) and never the secret.
    const reason = e instanceof Error ? e.message.split("\n")[0]!.slice(0, 200) : "invalid";
    log.warn({ tenantId, reason }, "stripe webhook refused: signature check failed");
    return refuse(400, "bad_signature");
  }
  const seen = await deps.db.tenantTx(tenantId, (tx) => loadLinks(tx, PROVIDER, "event", [event.id]));
  if (seen.get(event.id)?.data?.status === "done") {
    log.info({ tenantId, eventId: event.id, type: event.type }, "stripe webhook: replayed event ignored");
    return { status: 200, body: { received: true, duplicate: true } };
  }
  const touched = touchedBy([event]);
  const relevant = touched.customers.size + touched.invoices.size + touched.paymentIntents.size > 0;
  try {
    if (relevant) await applyTouched(deps, tenantId, touched);
  } catch (e) {
    const busy = isAppError(e) && e.code === "conflict";
    log.warn(
      { tenantId, eventId: event.id, type: event.type, busy },
      "stripe webhook: event not applied yet",
    );
    return { status: busy ? 503 : 500, body: { received: false, error: busy ? "busy" : "not_applied" } };
  }
  await deps.db.tenantTx(tenantId, (tx) =>
    upsertLinks(
      tx,
      tenantId,
      PROVIDER,
      "event",
      [{ externalId: event.id, data: { status: "done", type: event.type, created: event.created } }],
      deps.clock.now(),
    ),
  );
  log.info({ tenantId, eventId: event.id, type: event.type, applied: relevant }, "stripe webhook event");
  return { status: 200, body: { received: true, ...(relevant ? {} : { ignored: true }) } };
}
