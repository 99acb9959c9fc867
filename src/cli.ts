import { parseArgs } from "node:util";
import { ConfigError, loadConfig } from "./config.js";
import { isAppError } from "./core/kernel/errors.js";
import { registerEnvSchemas } from "./env-schemas.js";

const USAGE = `keel — a business coach for your team chat

Usage:
  keel start                         run the HTTP server, configured channels and jobs
  keel chat [--tenant SLUG] [--user EMAIL]
                                     talk to Keel in this terminal
  keel say [--tenant SLUG] [--user EMAIL] [--json] "text"
                                     one message, one reply
  keel setup [--company NAME --slug SLUG --currency ISO --timezone IANA --owner EMAIL [--pipeline T]]
                                     set up a company (asks in a terminal when flags are missing)
  keel pipeline show|apply FILE|templates [--tenant SLUG]
                                     the sales pipeline as YAML; edit and apply
  keel users list|add|role|remove|link|unlink … [--tenant SLUG]
                                     people, roles and their Slack/WhatsApp accounts
  keel demo                          load the demo company (idempotent)
  keel migrate                       apply database migrations
  keel import deals|invoices|metrics FILE [--tenant SLUG]
                                     import a CSV
  keel forecast FILE --horizon H [--season M] [--json]
  keel optimize inventory|staffing|budget FILE.json [--json]
  keel usage [--tenant SLUG] [--month YYYY-MM] [--prompts] [--json]
  keel prompts                       list the prompt registry
  keel digest --now [--tenant SLUG]  send digests now
  keel slack-link --tenant SLUG [--hours H] [--base URL]
                                     a signed, expiring link installing Slack into a tenant
`;

export interface Io {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

const io: Io = { stdout: process.stdout, stderr: process.stderr };

type Command = (argv: string[], io: Io) => Promise<number>;

const commands: Record<string, () => Promise<Command>> = {
  start: async () => (await import("./main.js")).startCommand,
  chat: async () => (await import("./bots/console/commands.js")).chatCommand,
  say: async () => (await import("./bots/console/commands.js")).sayCommand,
  demo: async () => (await import("./bots/console/commands.js")).demoCommand,
  migrate: async () => (await import("./bots/console/commands.js")).migrateCommand,
  setup: async () => (await import("./cli/setup.js")).setupCommand,
  pipeline: async () => (await import("./cli/pipeline.js")).pipelineCommand,
  users: async () => (await import("./cli/users.js")).usersCommand,
  import: async () => (await import("./cli/import.js")).importCommand,
  forecast: async () => (await import("./cli/forecast.js")).forecastCommand,
  optimize: async () => (await import("./cli/optimize.js")).optimizeCommand,
  usage: async () => (await import("./cli/ops.js")).usageCli,
  prompts: async () => (await import("./cli/ops.js")).promptsCli,
  digest: async () => (await import("./cli/digest.js")).digestCommand,
  "slack-link": async () => (await import("./cli/slack-link.js")).slackLinkCommand,
};

/** Entry point of the `keel` binary: dispatches, and maps every error to one readable line. */
export async function main(argv: string[]): Promise<void> {
  // `keel prompts | head` closes the pipe early; that is not an error.
  process.stdout.on("error", (e: NodeJS.ErrnoException) => {
    if (e.code === "EPIPE") process.exit(0);
    throw e;
  });
  const [name, ...rest] = argv;
  if (!name || name === "help" || name === "--help" || name === "-h") {
    io.stdout.write(USAGE);
    return;
  }
  const load = commands[name];
  if (!load) {
    io.stderr.write(`Unknown command "${name}".\n\n${USAGE}`);
    process.exitCode = 2;
    return;
  }
  try {
    registerEnvSchemas();
    const code = await (await load())(rest, io);
    process.exitCode = code;
  } catch (e) {
    process.exitCode = reportError(e);
  }
}

export function reportError(e: unknown, err: NodeJS.WritableStream = io.stderr): number {
  if (e instanceof ConfigError) {
    err.write(`${e.message}\n`);
    return 2;
  }
  if (isAppError(e)) {
    err.write(`keel: ${e.userMessage}\n`);
    return e.code === "bad_input" ? 2 : 1;
  }
  if (
    e instanceof TypeError &&
    /parseArgs|Unknown option|ERR_PARSE_ARGS/.test(`${(e as { code?: string }).code} ${e.message}`)
  ) {
    err.write(`keel: ${e.message}\n`);
    return 2;
  }
  err.write(`keel: unexpected error: ${(e as Error)?.message ?? String(e)}\n`);
  return 1;
}

export { loadConfig, parseArgs };
