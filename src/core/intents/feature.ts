/**
 * How a feature plugs into Keel — the whole registration API.
 *
 *   // src/core/features/<name>/feature.ts
 *   export const dealsFeature = defineFeature({
 *     name: "deals",
 *     intents: {
 *       "deals.list": { permission: "deals.read", handle: (deps, intent, actor) => dealsListReply(deps, actor, intent) },
 *       "deal.show": { permission: "deals.read", refusal: "Your role ({role}) cannot read deals.", handle: … },
 *     },
 *     commands: [{ name: "deals", usage: "deals [stuck]", summary: "open deals with totals" }],
 *   });
 *
 * then export it from the feature's index.ts and add it to FEATURES in src/core/registry.ts.
 * To add an intent: add its zod shape to `intentSchema` (intent.ts), its words to the parser (parse.ts),
 * and one entry under `intents` in exactly one feature. `tsc` fails while a kind has no entry
 * (registry.ts), and `buildRegistry` throws at start-up when two features claim the same kind.
 *
 * - `permission` is data: the dispatcher checks it before `handle` runs, for every route in (a command,
 *   a button, the coach routing free text). `"anyone"` means no role check here (the use case may still
 *   apply a per-record rule, such as who may approve a given draft).
 * - `refusal` is the message a user without the permission sees; `{role}` is replaced by their role.
 * - `handle(deps, intent, actor, ctx)` returns a Reply; `ctx.route(args)` runs another intent through the
 *   registry (permission included) and `ctx.commands` lists every help line.
 * - `commands` are the feature's help lines (and the parser's usage texts), in the order `help` shows them.
 */
import type { Deps } from "../deps.js";
import type { Actor, Permission } from "../features/auth/index.js";
import type { Reply } from "../ports/reply.js";
import type { IntentArgs, IntentKind, IntentOf } from "./intent.js";

/** One help line: a text command, how to type it, what it does. */
export interface CommandSpec {
  name: string;
  usage: string;
  summary: string;
  aliases?: string[];
}

/**
 * Receives an answer's validated text while it is still being written, so a channel that can edit
 * its placeholder (Slack) shows it growing. Only text that passed the same checks as the final
 * reply is ever given to it; the final reply replaces it.
 */
export type ProgressSink = (text: string) => void;

/** Per-dispatch options from the channel. */
export interface DispatchOptions {
  progress?: ProgressSink;
}

/** What a handler may ask of the registry. */
export interface HandlerContext {
  /** Set when the channel can show a partial answer (see ProgressSink). */
  progress?: ProgressSink;
  /** Runs another intent (same origin, same actor) through the registry, permission check included. */
  route(args: IntentArgs): Promise<Reply>;
  /** Every feature's help lines, in registry order. */
  commands: readonly CommandSpec[];
}

export type Handler<K extends IntentKind> = (
  deps: Deps,
  intent: IntentOf<K>,
  actor: Actor,
  ctx: HandlerContext,
) => Promise<Reply>;

export interface IntentSpec<K extends IntentKind> {
  permission: Permission | "anyone";
  /** Shown when the actor's role lacks `permission`; `{role}` becomes the role. */
  refusal?: string;
  handle: Handler<K>;
}

export type IntentSpecs<K extends IntentKind> = { [P in K]: IntentSpec<P> };

export interface FeatureDefinition<K extends IntentKind = IntentKind> {
  name: string;
  intents: IntentSpecs<K>;
  commands?: readonly CommandSpec[];
}

/** Identity with inference: keeps each intent's handler typed by its own kind. */
export function defineFeature<K extends IntentKind>(def: FeatureDefinition<K>): FeatureDefinition<K> {
  return def;
}

/** The kinds a feature (or a union of features) handles; registry.ts checks they cover IntentKind. */
export type KindsOf<F> = F extends { intents: infer I } ? keyof I : never;

/** The intent kinds no feature in F handles; `never` when F covers them all. */
export type Unhandled<F> = Exclude<IntentKind, KindsOf<F>>;
