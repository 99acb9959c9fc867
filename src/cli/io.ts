import type { Config } from "../config.js";
import type { Deps } from "../core/deps.js";
import type { Logger } from "../core/infra/logger.js";

/** Where a command writes: the terminal in `keel`, captured streams in tests. */
export interface Io {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

/** What `keel` builds once before running a command: the parsed config and the logger. */
export interface CliContext {
  config: Config;
  /** Writes to the log file (KEEL_DATA_DIR/keel.log), or to stderr with --verbose and for `start`. */
  logger: Logger;
  /**
   * Deps already open in this process, used instead of opening new ones (and left open). For a caller
   * that holds the embedded database: PGlite opened a second time is another, empty database.
   */
  deps?: Deps;
}

export type Command = (argv: string[], io: Io, ctx: CliContext) => Promise<number>;
