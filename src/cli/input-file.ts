import { readFile } from "node:fs/promises";
import type { Io } from "./io.js";

/** A command's input file as text, or null after telling the user why it cannot be read (ENOENT, EACCES…). */
export async function readInputFile(io: Io, command: string, file: string): Promise<string | null> {
  try {
    return await readFile(file, "utf8");
  } catch (e) {
    io.stderr.write(
      `keel ${command}: cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}\n`,
    );
    return null;
  }
}
