import type { Deps } from "../deps.js";
import { type Actor, type Permission, requirePermission } from "../features/auth/index.js";
import type { Reply } from "../ports/reply.js";
import type {
  CommandSpec,
  DispatchOptions,
  FeatureDefinition,
  Handler,
  HandlerContext,
  IntentSpec,
} from "./feature.js";
import { type Intent, type IntentKind, makeIntent } from "./intent.js";

/** The one table of features, built once at start-up from FEATURES (src/core/registry.ts). */
export interface Registry {
  readonly features: readonly FeatureDefinition[];
  /** Every help line, in feature order. */
  readonly commands: readonly CommandSpec[];
  has(kind: string): kind is IntentKind;
  /** The permission an intent needs (permissions as data; tests pin the whole table). */
  permissionOf(kind: IntentKind): Permission | "anyone";
  /** Which feature handles a kind. */
  featureOf(kind: IntentKind): string;
  /** Checks the permission, then runs the handler; `onReply` hooks run after a top-level success. */
  run(deps: Deps, intent: Intent, actor: Actor, opts?: DispatchOptions): Promise<Reply>;
}

export interface RegistryOptions {
  /** Runs after every top-level reply (not after `ctx.route` inside a handler), e.g. source memory. */
  onReply?: (deps: Deps, intent: Intent, reply: Reply) => Promise<void>;
}

type AnySpec = IntentSpec<IntentKind>;

/**
 * Builds the registry. Throws when two features claim one intent kind — a start-up error, never a
 * silent overwrite.
 */
export function buildRegistry(
  features: readonly FeatureDefinition<never>[],
  opts: RegistryOptions = {},
): Registry {
  const specs = new Map<string, { spec: AnySpec; feature: string }>();
  for (const f of features) {
    for (const [kind, spec] of Object.entries(f.intents as Record<string, AnySpec>)) {
      const prev = specs.get(kind);
      if (prev) throw new Error(`intent "${kind}" is registered by both ${prev.feature} and ${f.name}`);
      specs.set(kind, { spec, feature: f.name });
    }
  }
  const all = features as readonly FeatureDefinition[];
  const commands = all.flatMap((f) => f.commands ?? []);
  const entry = (kind: string) => {
    const e = specs.get(kind);
    if (!e) throw new Error(`no feature handles intent "${kind}"`);
    return e;
  };

  const execute = async (
    deps: Deps,
    intent: Intent,
    actor: Actor,
    progress?: DispatchOptions["progress"],
  ): Promise<Reply> => {
    const { spec } = entry(intent.kind);
    if (spec.permission !== "anyone")
      requirePermission(actor, spec.permission, spec.refusal?.replaceAll("{role}", actor.role));
    const ctx: HandlerContext = {
      commands,
      route: (args) => execute(deps, makeIntent(args, intent.origin, intent.idempotencyKey), actor, progress),
      ...(progress ? { progress } : {}),
    };
    return (spec.handle as Handler<IntentKind>)(deps, intent as never, actor, ctx);
  };

  return {
    features: all,
    commands,
    has: (kind): kind is IntentKind => specs.has(kind),
    permissionOf: (kind) => entry(kind).spec.permission,
    featureOf: (kind) => entry(kind).feature,
    async run(deps, intent, actor, runOpts) {
      const reply = await execute(deps, intent, actor, runOpts?.progress);
      await opts.onReply?.(deps, intent, reply);
      return reply;
    },
  };
}
