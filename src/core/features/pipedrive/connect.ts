import { z } from "zod";
import type { Deps } from "../../deps.js";
import { AppError } from "../../kernel/errors.js";
import { getAccount, openSecrets, randomCredential, saveAccount } from "../connectors/index.js";
import { PROVIDER } from "./apply.js";
import { createPipedriveClient, PipedriveError } from "./client.js";
import { pdPipeline } from "./schemas.js";

export const WEBHOOK_PATH = "/connectors/pipedrive/webhook";

export interface Connected {
  /** HTTP basic credentials to enter in Pipedrive's webhook settings (shown once). */
  webhookUser: string;
  webhookPassword: string;
  webhookPath: string;
}

/**
 * `keel connect pipedrive`: checks the API token against Pipedrive (one cheap list call), then stores
 * it sealed with fresh webhook credentials. A reconnect keeps the webhook user (so the webhook set up
 * in Pipedrive keeps working) but rotates the password only when asked.
 */
export async function connectPipedrive(
  deps: Deps,
  tenantId: string,
  token: string,
  opts: { verify?: boolean; rotateWebhook?: boolean } = {},
): Promise<Connected> {
  const trimmed = token.trim();
  if (!/^[A-Za-z0-9_-]{16,200}$/.test(trimmed))
    throw new AppError(
      "bad_input",
      "That does not look like a Pipedrive API token (Settings → Personal preferences → API).",
    );
  if (opts.verify !== false) {
    const cfg = deps.config.pipedrive;
    const client = createPipedriveClient({
      baseUrl: cfg.PIPEDRIVE_BASE_URL,
      token: trimmed,
      maxRetries: 2,
      retryBaseMs: cfg.PIPEDRIVE_RETRY_BASE_MS,
      pageLimit: 1,
    });
    try {
      await client.get("/api/v2/pipelines", { limit: "1" }, pdPipelinesProbe);
    } catch (e) {
      if (e instanceof PipedriveError && e.code === "auth")
        throw new AppError("bad_input", "Pipedrive refused this API token: check it and try again.");
      throw new AppError(
        "provider_error",
        `Could not reach Pipedrive to check the token: ${(e as Error).message}`,
        {
          cause: e,
          retryable: true,
        },
      );
    }
  }
  const existing = await getAccount(deps, tenantId, PROVIDER);
  const old = existing ? await openSecrets(deps, tenantId, PROVIDER).catch(() => undefined) : undefined;
  const webhookUser = existing?.webhookKey ?? `keel-${randomCredential(9)}`;
  const webhookPassword =
    !opts.rotateWebhook && old?.webhookPassword ? old.webhookPassword : randomCredential(24);
  await saveAccount(deps, tenantId, PROVIDER, {
    secrets: { apiToken: trimmed, webhookPassword },
    settings: { connectedAt: deps.clock.now().toISOString() },
    webhookKey: webhookUser,
  });
  return { webhookUser, webhookPassword, webhookPath: WEBHOOK_PATH };
}

const pdPipelinesProbe = z.object({ success: z.boolean(), data: z.array(pdPipeline).nullable() });
