import type { Command } from "./io.js";

/** `keel connect|sync PROVIDER …`: one entry per connector, each loaded only when used. */
const PROVIDERS: Record<string, { connect: () => Promise<Command>; sync: () => Promise<Command> }> = {
  pipedrive: {
    connect: async () => (await import("./pipedrive.js")).connectPipedriveCli,
    sync: async () => (await import("./pipedrive.js")).syncPipedriveCli,
  },
  stripe: {
    connect: async () => (await import("./stripe.js")).connectStripeCli,
    sync: async () => (await import("./stripe.js")).syncStripeCli,
  },
};

const dispatch =
  (verb: "connect" | "sync"): Command =>
  async (argv, io, ctx) => {
    const [provider, ...rest] = argv;
    const p = provider ? PROVIDERS[provider] : undefined;
    if (!p) {
      io.stderr.write(`Usage: keel ${verb} ${Object.keys(PROVIDERS).join("|")} --tenant SLUG …\n`);
      return 2;
    }
    return (await p[verb]())(rest, io, ctx);
  };

export const connectCommand = dispatch("connect");
export const syncCommand = dispatch("sync");
