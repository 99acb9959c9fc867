import { Hono } from "hono";
import type { Deps } from "../core/deps.js";
import { handleStripeWebhook, WEBHOOK_MAX_BYTES } from "../core/features/stripe/index.js";
import { readCapped } from "./body.js";

export const STRIPE_WEBHOOK_PATH = "/connectors/stripe/webhook";

/**
 * POST /connectors/stripe/webhook?key=… — the raw body (capped at WEBHOOK_MAX_BYTES, read only when
 * a Stripe-Signature header is present) goes to the connector, which verifies and applies it.
 */
export function stripeWebhookRoutes(deps: Deps): Hono {
  const app = new Hono();
  app.post(STRIPE_WEBHOOK_PATH, async (c) => {
    const signature = c.req.header("stripe-signature");
    const body = signature ? await readCapped(c.req.raw, WEBHOOK_MAX_BYTES) : "";
    const r = await handleStripeWebhook(deps, { key: c.req.query("key"), signature, body });
    return c.json(r.body, r.status);
  });
  return app;
}
