import { createHash, randomBytes } from "node:crypto";
import { createWriteStream, existsSync } from "node:fs";
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join, relative } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { afterEach, describe, expect, it } from "vitest";
import { settledRemoteAuth } from "../../../src/bots/whatsapp/webjs/settled-remote-auth.js";

// The installed library's RemoteAuth and the zip tools it uses (its own dependencies).
const req = createRequire(import.meta.url);
const wwebReq = createRequire(req.resolve("whatsapp-web.js"));
// biome-ignore lint/suspicious/noExplicitAny: untyped JavaScript library
const RemoteAuth = req("whatsapp-web.js/src/authStrategies/RemoteAuth.js") as new (o: any) => any;
const archiver = wwebReq("archiver") as (format: string) => {
  pipe(s: NodeJS.WritableStream): void;
  directory(dir: string, dest: false): void;
  finalize(): Promise<void>;
  on(ev: string, f: (e: Error) => void): void;
};

const dirs: string[] = [];
afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

/** A browser profile shaped like the one RemoteAuth zips (Default/IndexedDB, Default/Local Storage), as a zip. */
async function profileZip(files = 200, bigLast = 4_000_000) {
  const root = await mkdtemp(join(tmpdir(), "keel-ra-"));
  dirs.push(root);
  const src = join(root, "profile");
  const expected = new Map<string, string>();
  for (let i = 0; i < files; i++) {
    const p = join(
      src,
      "Default",
      i % 2 ? "IndexedDB/https_web.whatsapp.com_0.indexeddb.leveldb" : "Local Storage/leveldb",
      `${String(i).padStart(6, "0")}.ldb`,
    );
    await mkdir(dirname(p), { recursive: true });
    const data = randomBytes(i === files - 1 ? bigLast : 4_000 + i);
    await writeFile(p, data);
    expected.set(relative(src, p), createHash("sha256").update(data).digest("hex"));
  }
  const zip = join(root, "stored.zip");
  await new Promise<void>((ok, fail) => {
    const out = createWriteStream(zip);
    out.on("close", () => ok());
    const a = archiver("zip");
    a.on("error", fail);
    a.pipe(out);
    a.directory(src, false);
    void a.finalize();
  });
  return { root, zip, expected, bytes: await readFile(zip) };
}

/** A RemoteAuth store (the interface PgSessionStore implements) whose extract is slow. */
function slowStore(bytes: Buffer, mode: "slow-but-awaited" | "resolves-early") {
  const calls: string[] = [];
  return {
    calls,
    async sessionExists() {
      return true;
    },
    async save() {},
    async delete() {
      calls.push("delete");
    },
    async extract({ path }: { path: string }) {
      calls.push("extract");
      await mkdir(dirname(path), { recursive: true });
      const write = async () => {
        const out = createWriteStream(path);
        for (let i = 0; i < bytes.length; i += 256 * 1024) {
          out.write(bytes.subarray(i, i + 256 * 1024));
          await sleep(15);
        }
        await new Promise<void>((r) => out.end(() => r()));
      };
      // A store that streams from a remote bucket and resolves when the download *started*.
      if (mode === "resolves-early") void write();
      else await write();
    },
  };
}

async function restored(userDataDir: string, expected: Map<string, string>) {
  let missing = 0;
  let wrong = 0;
  for (const [rel, hash] of expected) {
    const p = join(userDataDir, rel);
    if (!existsSync(p)) missing++;
    else if (
      createHash("sha256")
        .update(await readFile(p))
        .digest("hex") !== hash
    )
      wrong++;
  }
  return { missing, wrong };
}

function strategy(Ctor: new (o: unknown) => unknown, dataPath: string, store: unknown) {
  // biome-ignore lint/suspicious/noExplicitAny: the library's strategy object
  const s = new Ctor({ clientId: "keel", dataPath, store, backupSyncIntervalMs: 60_000 }) as any;
  // What Client does before launching: setup(client), then beforeBrowserInitialized().
  const client = { options: { puppeteer: { headless: true } } };
  s.setup(client);
  return { s, client };
}

describe("RemoteAuth restore before the browser launches", () => {
  it("the whole profile is on disk when beforeBrowserInitialized resolves (store extract slow)", async () => {
    const { root, expected, bytes } = await profileZip();
    const store = slowStore(bytes, "slow-but-awaited");
    const { s, client } = strategy(settledRemoteAuth(RemoteAuth, { pollMs: 20 }), join(root, "data"), store);
    await s.beforeBrowserInitialized();
    expect(client.options.puppeteer).toMatchObject({ userDataDir: join(root, "data", "RemoteAuth-keel") });
    expect(await restored(s.userDataDir, expected)).toEqual({ missing: 0, wrong: 0 });
    expect(existsSync(join(root, "data", "RemoteAuth-keel.zip"))).toBe(false); // zip removed afterwards
    expect(store.calls).toEqual(["extract"]);
  });

  it("the library's own RemoteAuth, same profile and store, resolves with files missing (why the subclass exists)", async () => {
    const { root, expected, bytes } = await profileZip();
    const { s } = strategy(RemoteAuth, join(root, "data"), slowStore(bytes, "slow-but-awaited"));
    await s.beforeBrowserInitialized();
    const r = await restored(s.userDataDir, expected);
    // If this ever reaches 0 the installed library fixed its restore and settled-remote-auth.ts can go.
    expect(r.missing + r.wrong).toBeGreaterThan(0);
  });

  it("waits for the zip itself when the store's extract resolves before the file is written", async () => {
    const { root, expected, bytes } = await profileZip(120, 4_000_000);
    const store = slowStore(bytes, "resolves-early");
    const { s } = strategy(settledRemoteAuth(RemoteAuth, { pollMs: 50 }), join(root, "data"), store);
    await s.beforeBrowserInitialized();
    expect(await restored(s.userDataDir, expected)).toEqual({ missing: 0, wrong: 0 });
    expect((await stat(s.userDataDir)).isDirectory()).toBe(true);
  });

  it("a zip that never completes fails the launch (retried by the supervisor) instead of starting on half a profile", async () => {
    const { root, bytes } = await profileZip(40, 100_000);
    const store = {
      async sessionExists() {
        return true;
      },
      async save() {},
      async delete() {},
      async extract({ path }: { path: string }) {
        await mkdir(dirname(path), { recursive: true });
        await writeFile(path, bytes.subarray(0, Math.floor(bytes.length / 2))); // truncated download
      },
    };
    const { s } = strategy(
      settledRemoteAuth(RemoteAuth, { pollMs: 20, timeoutMs: 300 }),
      join(root, "data"),
      store,
    );
    await expect(s.beforeBrowserInitialized()).rejects.toThrow(/session zip not complete/);
  });

  it("no stored session: an empty profile directory, nothing to wait for", async () => {
    const root = await mkdtemp(join(tmpdir(), "keel-ra-"));
    dirs.push(root);
    const store = {
      async sessionExists() {
        return false;
      },
      async save() {},
      async delete() {},
      async extract() {
        throw new Error("must not be called");
      },
    };
    const { s } = strategy(settledRemoteAuth(RemoteAuth), join(root, "data"), store);
    await s.beforeBrowserInitialized();
    expect((await stat(join(root, "data", "RemoteAuth-keel"))).isDirectory()).toBe(true);
  });
});
