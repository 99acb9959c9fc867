import { z } from "zod";
import { envUrl } from "../../kernel/env.js";

/**
 * Stripe connector keys (part of the one config schema in src/config.ts, parsed into `config.stripe`).
 * The secret key and webhook secret are per tenant (`keel connect stripe`), sealed in the database —
 * never environment keys. STRIPE_API_URL points the official client elsewhere (tests: a local server).
 */
export const stripeEnvSchema = z.object({
  STRIPE_API_URL: envUrl(["https", "http"]).default("https://api.stripe.com"),
  /** Retries of the official client (429 with Stripe-Should-Retry, 409, 5xx, network errors). */
  STRIPE_MAX_NETWORK_RETRIES: z.coerce.number().int().min(0).max(10).default(3),
  STRIPE_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(20_000),
  /** How old a webhook's signed timestamp may be (Stripe's default tolerance). */
  STRIPE_WEBHOOK_TOLERANCE_SECONDS: z.coerce.number().int().min(1).max(3600).default(300),
});

export type StripeEnv = z.infer<typeof stripeEnvSchema>;
