import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Command, Io } from "./cli/io.js";
import { type Config, ConfigError, loadConfig } from "./config.js";
import { isAppError } from "./core/kernel/errors.js";

/** Each command: its usage line(s) and a loader, so `keel` imports only the command it runs. */
const COMMANDS: Record<string, { usage: string; load: () => Promise<Command> }> = {
  start: {
    usage: "keel start                         run the HTTP server, configured channels and jobs",
    load: async () => (await import("./main.js")).startCommand,
  },
  chat: {
    usage:
      "keel chat [--tenant SLUG] [--user EMAIL]\n                                     talk to Keel in this terminal",
    load: async () => (await import("./bots/console/commands.js")).chatCommand,
  },
  say: {
    usage:
      'keel say [--tenant SLUG] [--user EMAIL] [--json] "text"\n                                     one message, one reply',
    load: async () => (await import("./bots/console/commands.js")).sayCommand,
  },
  setup: {
    usage:
      "keel setup [--company NAME --slug SLUG --currency ISO --timezone IANA --owner EMAIL [--pipeline T]]\n                                     set up a company (asks in a terminal when flags are missing)",
    load: async () => (await import("./cli/setup.js")).setupCommand,
  },
  pipeline: {
    usage:
      "keel pipeline show|apply FILE|templates [--tenant SLUG]\n                                     the sales pipeline as YAML; edit and apply",
    load: async () => (await import("./cli/pipeline.js")).pipelineCommand,
  },
  users: {
    usage:
      "keel users list|add|role|remove|link|unlink … [--tenant SLUG]\n                                     people, roles and their Slack/WhatsApp accounts",
    load: async () => (await import("./cli/users.js")).usersCommand,
  },
  token: {
    usage:
      "keel token create|list|revoke … --tenant SLUG [--user EMAIL --scopes deals:read,…]\n                                     REST API tokens (secret shown once, stored hashed)",
    load: async () => (await import("./cli/token.js")).tokenCommand,
  },
  demo: {
    usage: "keel demo                          load the demo company (idempotent)",
    load: async () => (await import("./bots/console/commands.js")).demoCommand,
  },
  migrate: {
    usage: "keel migrate                       apply database migrations",
    load: async () => (await import("./bots/console/commands.js")).migrateCommand,
  },
  import: {
    usage:
      "keel import deals|invoices|metrics FILE [--tenant SLUG]\n                                     import a CSV",
    load: async () => (await import("./cli/import.js")).importCommand,
  },
  connect: {
    usage:
      "keel connect stripe --tenant SLUG --key sk_… [--webhook-secret whsec_…]\n                                     connect a billing system (key sealed at rest)\n  keel connect pipedrive --tenant SLUG --token TOKEN\n                                     connect the CRM (token sealed; prints webhook credentials)",
    load: async () => (await import("./cli/connectors.js")).connectCommand,
  },
  sync: {
    usage:
      "keel sync stripe --tenant SLUG [--full]\n                                     pull customers, invoices, payments and refunds now\n  keel sync pipedrive --tenant SLUG [--full]\n                                     pull pipelines, deals, persons, notes, activities; print the report",
    load: async () => (await import("./cli/connectors.js")).syncCommand,
  },
  forecast: {
    usage: "keel forecast FILE --horizon H [--season M] [--json]",
    load: async () => (await import("./cli/forecast.js")).forecastCommand,
  },
  optimize: {
    usage: "keel optimize inventory|staffing|budget FILE.json [--json]",
    load: async () => (await import("./cli/optimize.js")).optimizeCommand,
  },
  usage: {
    usage: "keel usage [--tenant SLUG] [--month YYYY-MM] [--prompts] [--json]",
    load: async () => (await import("./cli/ops.js")).usageCli,
  },
  prompts: {
    usage: "keel prompts                       list the prompt registry",
    load: async () => (await import("./cli/ops.js")).promptsCli,
  },
  digest: {
    usage: "keel digest --now [--tenant SLUG]  send digests now",
    load: async () => (await import("./cli/digest.js")).digestCommand,
  },
  "slack-link": {
    usage:
      "keel slack-link --tenant SLUG [--hours H] [--base URL]\n                                     a signed, expiring link installing Slack into a tenant",
    load: async () => (await import("./cli/slack-link.js")).slackLinkCommand,
  },
};

const USAGE = `keel — a business coach for your team chat

Usage:
${Object.values(COMMANDS)
  .map((c) => `  ${c.usage}`)
  .join("\n")}

Every command takes --help. Logs go to KEEL_DATA_DIR/keel.log; add --verbose to see them here.
  keel --version                     print the version
`;

const io: Io = { stdout: process.stdout, stderr: process.stderr };

function version(): string {
  // src/cli.ts and dist/cli.js both sit one level below package.json.
  const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as {
    version: string;
  };
  return pkg.version;
}

/**
 * Logs of one-shot commands go to a file so the terminal shows only the reply; `start` (a server)
 * and --verbose log to stderr.
 */
async function cliLogger(config: Config, toStderr: boolean) {
  const { createLogger, logFileDestination } = await import("./core/infra/logger.js");
  const destination = toStderr ? undefined : logFileDestination(join(config.app.dataDir, "keel.log"));
  return { logger: createLogger({ level: config.app.logLevel, destination }), file: !toStderr };
}

/** Entry point of the `keel` binary: dispatches, and maps every error to one readable line. */
export async function main(argv: string[]): Promise<void> {
  // `keel prompts | head` closes the pipe early; that is not an error.
  process.stdout.on("error", (e: NodeJS.ErrnoException) => {
    if (e.code === "EPIPE") process.exit(0);
    throw e;
  });
  const verbose = argv.includes("--verbose");
  const [name, ...rest] = argv.filter((a) => a !== "--verbose");
  if (name === "--version" || name === "-V" || name === "version") {
    io.stdout.write(`keel ${version()}\n`);
    return;
  }
  if (!name || name === "help" || name === "--help" || name === "-h") {
    io.stdout.write(USAGE);
    return;
  }
  const command = COMMANDS[name];
  if (!command) {
    io.stderr.write(`Unknown command "${name}".\n\n${USAGE}`);
    process.exitCode = 2;
    return;
  }
  if (rest.includes("--help") || rest.includes("-h")) {
    io.stdout.write(`Usage: ${command.usage}\n`);
    return;
  }
  let logFile = false;
  let code: number;
  try {
    const config = loadConfig();
    const { logger, file } = await cliLogger(config, verbose || name === "start");
    logFile = file;
    try {
      code = await (await command.load())(rest, io, { config, logger });
    } catch (e) {
      // Expected failures (bad input, a server down) are one line on stderr; anything else is logged.
      if (!isAppError(e) && !(e instanceof ConfigError))
        logger.error({ err: e, command: name }, "command failed");
      throw e;
    }
  } catch (e) {
    code = reportError(e, io.stderr, logFile);
    // Fail fast: whatever the failed command left open (a pool, a socket, a timer) must not keep a
    // half-started process alive.
    process.exit(code);
  }
  process.exitCode = code;
}

export function reportError(e: unknown, err: NodeJS.WritableStream = io.stderr, logFile = false): number {
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
  const where = logFile ? " (details in the log file; --verbose shows them here)" : "";
  err.write(`keel: unexpected error: ${(e as Error)?.message ?? String(e)}${where}\n`);
  return 1;
}
