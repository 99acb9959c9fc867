import { z } from "zod";

/**
 * The whole environment, parsed once at start (see `.env.example`). Feature areas that own many keys
 * (LLM, Slack, WhatsApp) declare their own object schema in their folder and it is merged here.
 * Empty strings count as unset.
 */
const bool = z
  .enum(["true", "false", "1", "0", "yes", "no"])
  .transform((v) => v === "true" || v === "1" || v === "yes");

const url = (protocols: string[]) =>
  z.string().refine(
    (v) => {
      try {
        return protocols.includes(new URL(v).protocol.replace(":", ""));
      } catch {
        return false;
      }
    },
    `a URL starting with ${protocols.map((p) => `${p}://`).join(" or ")}`,
  );

export const baseEnvSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  /** Embedded PGlite data and other local state when DATABASE_URL is unset. */
  KEEL_DATA_DIR: z.string().default("./.keel"),
  /** The application's connection (a role that is not the table owner). Unset → embedded PGlite. */
  DATABASE_URL: url(["postgres", "postgresql"]).optional(),
  /** The owner's connection for migrations; defaults to DATABASE_URL. */
  MIGRATION_DATABASE_URL: url(["postgres", "postgresql"]).optional(),
  /** Role every tenant transaction runs as (SET LOCAL ROLE), so RLS applies whatever the login. */
  DATABASE_APP_ROLE: z
    .string()
    .regex(/^[a-z_][a-z0-9_]*$/, "a lower-case SQL identifier")
    .default("keel_app"),
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(100).default(10),
  /** Unset → in-process store (single process only). */
  REDIS_URL: url(["redis", "rediss"]).optional(),
  /** Tenant used by the console when --tenant is not given. */
  KEEL_DEFAULT_TENANT: z.string().default("demo"),
  /** Load the demo company into an empty database on `keel start`. */
  KEEL_AUTO_DEMO: bool.default(true),
  /** Bearer token for the REST API; unset disables the REST data API. */
  KEEL_API_TOKEN: z.string().min(16, "at least 16 characters").optional(),
  /** Secret for signing action references and other HMACs; generated per process if unset. */
  KEEL_SECRET: z.string().min(16, "at least 16 characters").optional(),
  /** Draft approvals expire after this many hours. */
  DRAFT_EXPIRY_HOURS: z.coerce.number().positive().default(72),
});

export type BaseConfig = z.infer<typeof baseEnvSchema>;

type AnyObjectSchema = z.ZodObject<z.ZodRawShape>;
const featureSchemas: AnyObjectSchema[] = [];

/** Feature folders register their env schema once at import time of the composition root. */
export function registerEnvSchema(schema: AnyObjectSchema): void {
  featureSchemas.push(schema);
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

export type Config = BaseConfig & Record<string, unknown>;

/** Parses the environment once. Throws ConfigError listing every bad key (no stack trace at the edge). */
export function loadConfig<T extends Config = Config>(env: NodeJS.ProcessEnv = process.env): T {
  const cleaned: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) if (v !== undefined && v !== "") cleaned[k] = v;
  let schema: AnyObjectSchema = baseEnvSchema;
  for (const s of featureSchemas) schema = schema.extend(s.shape);
  const parsed = schema.safeParse(cleaned);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((i) => {
        const key = String(i.path[0] ?? "(env)");
        const got = cleaned[key];
        // Echo what was given only for keys that cannot hold a secret.
        const echo = got !== undefined && !/SECRET|TOKEN|KEY|PASSWORD|URL/.test(key);
        return { key, message: echo ? `${i.message} (got "${got.slice(0, 40)}")` : i.message };
      }),
    );
  }
  return parsed.data as T;
}

export const envHelpers = { bool, url };
