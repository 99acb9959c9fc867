import { z } from "zod";
import { envUrl } from "../../kernel/env.js";

/**
 * Pipedrive connector keys (part of the one config schema in src/config.ts, parsed into
 * `config.pipedrive`). The base URL is configurable so tests and the benchmark point the real client
 * at a local server speaking Pipedrive's REST shapes.
 */
export const pipedriveEnvSchema = z.object({
  PIPEDRIVE_BASE_URL: envUrl(["http", "https"]).default("https://api.pipedrive.com"),
  /** Page size for list endpoints (Pipedrive allows at most 500). */
  PIPEDRIVE_PAGE_LIMIT: z.coerce.number().int().min(1).max(500).default(500),
  /** Attempts after the first for 429 and 5xx responses. */
  PIPEDRIVE_MAX_RETRIES: z.coerce.number().int().min(0).max(20).default(5),
  /** First backoff for 5xx (doubles per attempt, with jitter). */
  PIPEDRIVE_RETRY_BASE_MS: z.coerce.number().int().min(0).max(60_000).default(1000),
  /** Requests per 2-second window before the server's x-ratelimit-limit is known (Essential plan, api_token). */
  PIPEDRIVE_BURST_PER_2S: z.coerce.number().int().min(1).max(1000).default(20),
  /** Largest webhook body accepted. */
  PIPEDRIVE_WEBHOOK_MAX_BYTES: z.coerce.number().int().min(1024).max(10_000_000).default(1_000_000),
});

export type PipedriveEnv = z.infer<typeof pipedriveEnvSchema>;
