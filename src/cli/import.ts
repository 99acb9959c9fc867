import type { Io } from "../cli.js";

export async function importCommand(_argv: string[], io: Io): Promise<number> {
  io.stderr.write("keel import: not wired yet\n");
  return 2;
}
