import Stripe from "stripe";
import type { Deps } from "../../deps.js";
import { AppError } from "../../kernel/errors.js";
import { getAccount, openSecrets, randomCredential, saveAccount } from "../connectors/index.js";
import { stripeClient } from "./remote.js";
import { PROVIDER } from "./sync.js";

const SECRET_KEY = /^(sk|rk)_(test|live)_[A-Za-z0-9]{8,250}$/;
const WEBHOOK_SECRET = /^whsec_[A-Za-z0-9+/=]{8,200}$/;

export interface ConnectResult {
  /** Path (with the endpoint key) to register in Stripe's dashboard under Developers → Webhooks. */
  webhookPath: string;
  webhookSecretSet: boolean;
  livemode: boolean;
}

/**
 * Connects Stripe for a tenant: the secret (or restricted, read-only) key is tried once against the
 * API, then stored sealed with the webhook signing secret. Reconnecting keeps the endpoint key and a
 * previously given signing secret; a different key resets the sync cursor (maybe another account).
 * Neither secret is ever echoed back or logged.
 */
export async function connectStripe(
  deps: Deps,
  tenantId: string,
  input: { secretKey: string; webhookSecret?: string },
): Promise<ConnectResult> {
  const secretKey = input.secretKey.trim();
  if (!SECRET_KEY.test(secretKey))
    throw new AppError(
      "bad_input",
      "That is not a Stripe secret key: expected sk_live_…, sk_test_… or a restricted key rk_live_… (Developers → API keys).",
    );
  const webhookSecret = input.webhookSecret?.trim();
  if (webhookSecret !== undefined && !WEBHOOK_SECRET.test(webhookSecret))
    throw new AppError(
      "bad_input",
      "That is not a Stripe webhook signing secret: expected whsec_… (Developers → Webhooks → your endpoint → Signing secret).",
    );
  try {
    await stripeClient(deps.config.stripe, secretKey).customers.list({ limit: 1 });
  } catch (e) {
    if (
      e instanceof Stripe.errors.StripeAuthenticationError ||
      e instanceof Stripe.errors.StripePermissionError
    )
      throw new AppError(
        "bad_input",
        "Stripe refused this key. Check it in Developers → API keys (a restricted key needs read access to customers, invoices, invoice payments, refunds and events).",
        { cause: e },
      );
    throw new AppError("provider_error", "Stripe could not be reached to check the key; try again.", {
      cause: e,
      retryable: true,
    });
  }
  const before = await getAccount(deps, tenantId, PROVIDER);
  const previous = before ? await openSecrets(deps, tenantId, PROVIDER).catch(() => undefined) : undefined;
  const webhookKey = before?.webhookKey ?? randomCredential(18);
  const keepSecret = webhookSecret ?? previous?.webhookSecret;
  await saveAccount(deps, tenantId, PROVIDER, {
    secrets: { secretKey, ...(keepSecret ? { webhookSecret: keepSecret } : {}) },
    settings: { livemode: secretKey.includes("_live_") },
    webhookKey,
    resetCursors: previous?.secretKey !== secretKey,
  });
  return {
    webhookPath: `/connectors/stripe/webhook?key=${webhookKey}`,
    webhookSecretSet: Boolean(keepSecret),
    livemode: secretKey.includes("_live_"),
  };
}
