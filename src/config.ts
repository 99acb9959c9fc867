import { z } from "zod";
import { type EmailEnv, emailEnvSchema } from "./bots/email/config.js";
import { type SlackSettings, slackEnvSchema, slackSettings } from "./bots/slack/config.js";
import { missingCloudKeys, type WhatsappConfig, whatsappEnvSchema } from "./bots/whatsapp/config.js";
import { type LlmEnv, llmEnvSchema } from "./core/infra/llm/config.js";
import { type PipedriveEnv, pipedriveEnvSchema } from "./core/infra/pipedrive/config.js";
import { type StripeEnv, stripeEnvSchema } from "./core/infra/stripe/config.js";
import { type TelemetryEnv, telemetryEnvSchema } from "./core/infra/telemetry/config.js";
import { envBool, envUrl } from "./core/kernel/env.js";

/** Keys of the core: process, HTTP, database, store. Feature areas declare theirs in their folders. */
const coreEnvSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  /** Embedded PGlite data and other local state when DATABASE_URL is unset. */
  KEEL_DATA_DIR: z.string().default("./.keel"),
  /** The application's connection (a role that is not the table owner). Unset → embedded PGlite. */
  DATABASE_URL: envUrl(["postgres", "postgresql"]).optional(),
  /** The owner's connection for migrations; defaults to DATABASE_URL. */
  MIGRATION_DATABASE_URL: envUrl(["postgres", "postgresql"]).optional(),
  /** Role every tenant transaction runs as (SET LOCAL ROLE), so RLS applies whatever the login. */
  DATABASE_APP_ROLE: z
    .string()
    .regex(/^[a-z_][a-z0-9_]*$/, "a lower-case SQL identifier")
    .default("keel_app"),
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(100).default(10),
  /**
   * Embedded PGlite only: Postgres shared buffers in MB. PGlite's own default (128) makes every process
   * hold ~150 MB more; the data dir's pages are also in the OS page cache, so a small pool costs little.
   */
  KEEL_PGLITE_SHARED_BUFFERS_MB: z.coerce.number().int().min(1).max(4096).default(16),
  /** Unset → in-process store (single process only). */
  REDIS_URL: envUrl(["redis", "rediss"]).optional(),
  /** Tenant used by the console when --tenant is not given. */
  KEEL_DEFAULT_TENANT: z.string().default("demo"),
  /** Load the demo company into an empty database on `keel start`. */
  KEEL_AUTO_DEMO: envBool.default(true),
  /** Operator bearer token for the WhatsApp QR endpoint; the REST API uses per-tenant tokens. */
  KEEL_API_TOKEN: z.string().min(16, "at least 16 characters").optional(),
  /** REST API: requests per minute per token (shared across replicas through Redis when configured). */
  KEEL_API_RATE_LIMIT: z.coerce.number().int().min(1).max(100_000).default(120),
  /** Secret for signing action references and other HMACs; generated per process if unset. */
  KEEL_SECRET: z.string().min(16, "at least 16 characters").optional(),
  /** Draft approvals expire after this many hours. */
  DRAFT_EXPIRY_HOURS: z.coerce.number().positive().default(72),
  /** Inbound turns (Slack, WhatsApp) answered at once per channel in this replica; unset: 256 (16 on PGlite). */
  KEEL_TURNS_CONCURRENCY: z.coerce.number().int().min(1).max(10_000).optional(),
  /** Turns waiting beyond that per channel; past it the person hears "busy, queued" and the inbox keeps the turn. */
  KEEL_TURNS_QUEUE: z.coerce.number().int().min(0).max(100_000).default(200),
  /** Turns of one person (running + waiting) per channel in this replica; more are shed like the above. */
  KEEL_TURNS_PER_USER: z.coerce.number().int().min(1).max(1000).default(4),
  /** A shed turn is picked up by the inbox sweep after this long at the earliest. */
  KEEL_SHED_RETRY_SECONDS: z.coerce.number().int().min(1).max(3600).default(15),
  /** Outbox deliveries running at once in this replica when a reply is sent right after its turn. */
  KEEL_OUTBOX_CONCURRENCY: z.coerce.number().int().min(1).max(1000).default(8),
  /** Deliveries waiting beyond that; past it the message stays in the outbox for the dispatcher (≤ 5 s). */
  KEEL_OUTBOX_QUEUE: z.coerce.number().int().min(0).max(100_000).default(32),
  /** /readyz says degraded when more turns than this wait (in the inbox, or queued in this replica). */
  KEEL_READY_MAX_BACKLOG: z.coerce.number().int().min(1).default(100),
  /** /readyz says degraded when more outbox messages than this are due and unsent. */
  KEEL_READY_MAX_OUTBOX: z.coerce.number().int().min(1).default(500),
  /** /readyz says degraded when the 90th percentile of the last minute's model calls is slower (ms). */
  KEEL_READY_MAX_LLM_MS: z.coerce.number().int().min(1).default(10_000),
  /** HTTP status of a degraded /readyz: 200 (stay in rotation, the default) or 503 (leave it). */
  KEEL_READY_DEGRADED_STATUS: z.enum(["200", "503"]).default("200"),
});

/**
 * The whole environment: ONE schema, parsed once at start (see `.env.example`). Channel
 * half-configurations that would otherwise switch a channel off silently are errors here.
 */
const envSchema = z
  .object({
    ...coreEnvSchema.shape,
    ...llmEnvSchema.shape,
    ...emailEnvSchema.shape,
    ...slackEnvSchema.shape,
    ...whatsappEnvSchema.shape,
    ...stripeEnvSchema.shape,
    ...pipedriveEnvSchema.shape,
    ...telemetryEnvSchema.shape,
  })
  .superRefine((env, ctx) => {
    const problem = (key: string, message: string) => ctx.addIssue({ code: "custom", path: [key], message });
    const oauthKeys = ["SLACK_CLIENT_ID", "SLACK_CLIENT_SECRET", "SLACK_STATE_SECRET"] as const;
    const oauthSet = oauthKeys.filter((k) => env[k]);
    if (oauthSet.length > 0 && oauthSet.length < oauthKeys.length)
      for (const k of oauthKeys.filter((k) => !env[k]))
        problem(
          k,
          `required for Slack OAuth (${oauthSet.join(", ")} ${oauthSet.length === 1 ? "is" : "are"} set)`,
        );
    const slackAuth = Boolean(env.SLACK_BOT_TOKEN) || oauthSet.length === oauthKeys.length;
    if (slackAuth && !env.SLACK_SIGNING_SECRET && !env.SLACK_APP_TOKEN)
      problem(
        "SLACK_SIGNING_SECRET",
        "required with a Slack bot token or OAuth (HTTP mode); for Socket Mode set SLACK_APP_TOKEN instead",
      );
    if (!slackAuth && oauthSet.length === 0 && (env.SLACK_SIGNING_SECRET || env.SLACK_APP_TOKEN))
      problem(
        "SLACK_BOT_TOKEN",
        "required when Slack is configured (or SLACK_CLIENT_ID/SECRET/STATE_SECRET for many workspaces)",
      );
    if (env.WHATSAPP_TRANSPORT === "cloud")
      for (const k of missingCloudKeys(env)) problem(k, "required when WHATSAPP_TRANSPORT=cloud");
  });

type Env = z.infer<typeof envSchema>;

/** Every key Keel reads from the environment (the .env.example check uses it). */
export const ENV_KEYS: readonly string[] = Object.keys(envSchema.shape);

/**
 * The parsed configuration, in typed sections. Core sections use camelCase; feature sections keep
 * the environment key names, so a key named in a log line or an error greps straight to .env.example.
 */
export interface Config {
  app: {
    env: Env["NODE_ENV"];
    logLevel: Env["LOG_LEVEL"];
    dataDir: string;
    defaultTenant: string;
    autoDemo: boolean;
    /** HMAC secret for action references; a random one per process when unset. */
    secret?: string;
    draftExpiryHours: number;
  };
  http: { port: number; apiToken?: string; apiRateLimit: number };
  db: {
    url?: string;
    migrationUrl?: string;
    appRole: string;
    poolSize: number;
    pgliteSharedBuffersMb: number;
  };
  redis: { url?: string };
  /** Bounded queues and /readyz thresholds (README: Operations — scaling). */
  load: {
    turnsConcurrency?: number;
    turnsQueue: number;
    turnsPerUser: number;
    shedRetryMs: number;
    outboxConcurrency: number;
    outboxQueue: number;
    readyMaxBacklog: number;
    readyMaxOutbox: number;
    readyMaxLlmMs: number;
    readyDegradedStatus: 200 | 503;
  };
  llm: LlmEnv;
  email: EmailEnv;
  slack: SlackSettings;
  whatsapp: WhatsappConfig;
  stripe: StripeEnv;
  pipedrive: PipedriveEnv;
  telemetry: TelemetryEnv;
}

function pick<T extends z.ZodObject>(schema: T, env: Env): z.infer<T> {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(schema.shape)) out[key] = env[key as keyof Env];
  return out as z.infer<T>;
}

function sections(env: Env): Config {
  return {
    app: {
      env: env.NODE_ENV,
      logLevel: env.LOG_LEVEL,
      dataDir: env.KEEL_DATA_DIR,
      defaultTenant: env.KEEL_DEFAULT_TENANT,
      autoDemo: env.KEEL_AUTO_DEMO,
      secret: env.KEEL_SECRET,
      draftExpiryHours: env.DRAFT_EXPIRY_HOURS,
    },
    http: { port: env.PORT, apiToken: env.KEEL_API_TOKEN, apiRateLimit: env.KEEL_API_RATE_LIMIT },
    db: {
      url: env.DATABASE_URL,
      migrationUrl: env.MIGRATION_DATABASE_URL,
      appRole: env.DATABASE_APP_ROLE,
      poolSize: env.DATABASE_POOL_SIZE,
      pgliteSharedBuffersMb: env.KEEL_PGLITE_SHARED_BUFFERS_MB,
    },
    redis: { url: env.REDIS_URL },
    load: {
      turnsConcurrency: env.KEEL_TURNS_CONCURRENCY,
      turnsQueue: env.KEEL_TURNS_QUEUE,
      turnsPerUser: env.KEEL_TURNS_PER_USER,
      shedRetryMs: env.KEEL_SHED_RETRY_SECONDS * 1000,
      outboxConcurrency: env.KEEL_OUTBOX_CONCURRENCY,
      outboxQueue: env.KEEL_OUTBOX_QUEUE,
      readyMaxBacklog: env.KEEL_READY_MAX_BACKLOG,
      readyMaxOutbox: env.KEEL_READY_MAX_OUTBOX,
      readyMaxLlmMs: env.KEEL_READY_MAX_LLM_MS,
      readyDegradedStatus: env.KEEL_READY_DEGRADED_STATUS === "503" ? 503 : 200,
    },
    llm: pick(llmEnvSchema, env),
    email: pick(emailEnvSchema, env),
    slack: slackSettings(pick(slackEnvSchema, env)),
    whatsapp: pick(whatsappEnvSchema, env),
    stripe: pick(stripeEnvSchema, env),
    pipedrive: pick(pipedriveEnvSchema, env),
    telemetry: pick(telemetryEnvSchema, env),
  };
}

export class ConfigError extends Error {
  readonly problems: { key: string; message: string }[];
  constructor(problems: { key: string; message: string }[]) {
    super(
      `Invalid configuration:\n${problems.map((p) => `  - ${p.key}: ${p.message}`).join("\n")}\nSee .env.example for every setting.`,
    );
    this.name = "ConfigError";
    this.problems = problems;
  }
}

/**
 * Parses the environment once (empty strings count as unset). Throws ConfigError listing every bad
 * key; the message never contains a value given for any key (a secret pasted into PORT stays secret).
 */
export function loadConfig(
  env: NodeJS.ProcessEnv | Record<string, string | undefined> = process.env,
): Config {
  const cleaned: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) if (v !== undefined && v !== "") cleaned[k] = v;
  const parsed = envSchema.safeParse(cleaned);
  if (parsed.success) return sections(parsed.data);
  const given = Object.values(cleaned).filter((v) => v.length >= 3);
  throw new ConfigError(
    parsed.error.issues.map((i) => {
      // Messages are ours or zod's and name no input, but scrub any given value that slips in.
      let message = i.message;
      for (const v of given) if (message.includes(v)) message = message.replaceAll(v, "…");
      return { key: String(i.path[0] ?? "(env)"), message };
    }),
  );
}
