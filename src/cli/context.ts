import { closeDeps, createDeps, type Deps } from "../core/deps.js";
import { requireTenant, type Tenant } from "../core/features/tenancy/index.js";
import type { CliContext, Io } from "./io.js";

/** Deps for one CLI command from the config and logger `keel` built once; always closed. */
export async function withDeps<T>(ctx: CliContext, fn: (deps: Deps) => Promise<T>): Promise<T> {
  if (ctx.deps) return fn(ctx.deps);
  const deps = await createDeps(ctx.config, { logger: ctx.logger });
  try {
    return await fn(deps);
  } finally {
    await closeDeps(deps);
  }
}

/** The tenant a command acts on: --tenant, else KEEL_DEFAULT_TENANT. */
export function tenantOf(deps: Deps, slug: string | undefined): Promise<Tenant> {
  return requireTenant(deps.db, slug ?? deps.config.app.defaultTenant);
}

export function printErrors(io: Io, head: string, errors: string[], max = 50): void {
  io.stderr.write(
    `${head}\n${errors
      .slice(0, max)
      .map((e) => `  - ${e}`)
      .join("\n")}\n`,
  );
  if (errors.length > max) io.stderr.write(`  … and ${errors.length - max} more\n`);
}
