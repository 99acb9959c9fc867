import { createWriteStream } from "node:fs";
import { mkdir, stat, unlink } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join, resolve, sep } from "node:path";
import { pipeline } from "node:stream/promises";
import { setTimeout as sleep } from "node:timers/promises";

/**
 * whatsapp-web.js RemoteAuth restores the profile with `unzipper.Extract(...).on("finish")`: the
 * promise resolves when the zip *parser* finishes, not when the files are written. Measured with the
 * installed library (1.34.7, unzipper 0.12.3, Node 24) on profiles zipped by the library's own
 * archiver: 300 files → ~115 missing when the restore resolved, and most of them never appear (the
 * streaming extractor drops entries); the browser then starts on half a profile (session lost → QR).
 * A store whose `extract` resolves before the zip is fully on disk has the same effect.
 *
 * This subclass waits for the zip to be whole (central directory readable, size stable), extracts
 * every entry from the central directory (not the streaming parser), then checks every file is on
 * disk at its size before the browser launches.
 */

// biome-ignore lint/suspicious/noExplicitAny: the library is untyped JavaScript
type Ctor = new (...args: any[]) => any;

interface ZipEntry {
  path: string;
  type: "File" | "Directory";
  uncompressedSize: number;
  stream(): NodeJS.ReadableStream;
}
interface Unzipper {
  Open: { file(path: string): Promise<{ files: ZipEntry[] }> };
}

export interface SettleOptions {
  /** How long to wait for the zip and then for the profile files (each), in ms. */
  timeoutMs?: number;
  pollMs?: number;
  /** unzipper as the library resolves it (injectable for tests). */
  unzipper?: Unzipper;
}

function libraryUnzipper(): Unzipper {
  const req = createRequire(import.meta.url);
  return createRequire(req.resolve("whatsapp-web.js"))("unzipper") as Unzipper;
}

/** Reads the zip's central directory once it is complete: a zip still being written has none (or a moving size). */
async function whenZipComplete(u: Unzipper, zip: string, o: Required<Omit<SettleOptions, "unzipper">>) {
  const until = Date.now() + o.timeoutMs;
  let lastSize = -1;
  let lastErr: unknown;
  for (;;) {
    try {
      const size = (await stat(zip)).size;
      if (size === lastSize) return (await u.Open.file(zip)).files;
      lastSize = size;
    } catch (e) {
      lastErr = e;
      lastSize = -1;
    }
    if (Date.now() > until)
      throw new Error(`whatsapp session zip not complete after ${o.timeoutMs} ms`, { cause: lastErr });
    await sleep(o.pollMs);
  }
}

/** The zip's files with their target paths under `dir`; entries outside it (zip slip) are skipped. */
function targets(dir: string, files: ZipEntry[]) {
  const root = resolve(dir);
  return files
    .filter((f) => f.type === "File")
    .map((f) => ({
      entry: f,
      path: resolve(join(root, f.path.replace(/\\/g, "/"))),
      size: f.uncompressedSize,
    }))
    .filter((f) => f.path.startsWith(root + sep));
}

/** Writes every file entry to disk, a few at a time, each awaited until its write stream closed. */
async function extractAll(want: ReturnType<typeof targets>, concurrency = 8) {
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < want.length; i = next++) {
      const f = want[i]!;
      await mkdir(dirname(f.path), { recursive: true });
      await pipeline(f.entry.stream(), createWriteStream(f.path));
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, want.length) }, worker));
}

/** Waits until every file exists at its full size. */
async function whenFilesLanded(
  want: ReturnType<typeof targets>,
  o: Required<Omit<SettleOptions, "unzipper">>,
) {
  const until = Date.now() + o.timeoutMs;
  for (;;) {
    let missing = 0;
    for (const f of want) {
      const s = await stat(f.path).catch(() => null);
      if (!s || s.size < f.size) missing++;
    }
    if (missing === 0) return want.length;
    if (Date.now() > until)
      throw new Error(`whatsapp session restore: ${missing} of ${want.length} profile files missing`);
    await sleep(o.pollMs);
  }
}

/** RemoteAuth whose restore resolves only when the whole profile is on disk. */
export function settledRemoteAuth<T extends Ctor>(Base: T, so: SettleOptions = {}): T {
  const o = { timeoutMs: so.timeoutMs ?? 60_000, pollMs: so.pollMs ?? 100 };
  return class SettledRemoteAuth extends Base {
    /** Overrides the library's `unCompressSession(compressedSessionPath)` (called by `extractRemoteSession`). */
    async unCompressSession(zip: string): Promise<void> {
      const u = so.unzipper ?? libraryUnzipper();
      const files = await whenZipComplete(u, zip, o);
      const want = targets(this.userDataDir, files);
      await extractAll(want);
      await whenFilesLanded(want, o);
      await unlink(zip);
    }
  };
}
