import { lstat, readdir, rm } from "node:fs/promises";
import { join } from "node:path";

/** Files Chromium leaves in a profile when it is killed; a new launch on the profile fails while they exist. */
const LOCKS = ["SingletonLock", "SingletonSocket", "SingletonCookie", "DevToolsActivePort", "lockfile"];

/**
 * Removes stale browser lock files from the profile directories under `dir` (the profile itself and
 * its direct children, e.g. RemoteAuth-keel/). Safe at start: only one Keel process owns the profile.
 */
export async function removeStaleLocks(dir: string): Promise<string[]> {
  const removed: string[] = [];
  const dirs = [dir];
  try {
    for (const e of await readdir(dir, { withFileTypes: true }))
      if (e.isDirectory()) dirs.push(join(dir, e.name));
  } catch {
    return removed;
  }
  for (const d of dirs)
    for (const name of LOCKS) {
      const p = join(d, name);
      try {
        // SingletonLock is a dangling symlink when stale: lstat/rm act on the link itself.
        await lstat(p);
        await rm(p, { force: true });
        removed.push(p);
      } catch {
        /* not there */
      }
    }
  return removed;
}
