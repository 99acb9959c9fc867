import { resolve } from "node:path";
import type { Deps } from "../../../core/deps.js";
import type { WhatsappConfig } from "../config.js";
import { removeStaleLocks } from "./browser-locks.js";
import { PgSessionStore } from "./session-store.js";
import { settledRemoteAuth } from "./settled-remote-auth.js";
import type { WebjsClientLike } from "./transport.js";

export interface RealClientFactory {
  create(): Promise<WebjsClientLike>;
  makeMedia(mimetype: string, base64: string, filename: string): unknown;
}

/**
 * Builds real whatsapp-web.js clients: RemoteAuth with the session in Postgres (restored completely
 * before launch, settled-remote-auth.ts), takeover on CONFLICT as configured, Debian chromium via
 * `executablePath`, an optional pinned WhatsApp Web version, and stale profile locks removed before
 * every launch. The library (and puppeteer) load only when the webjs transport is chosen.
 */
export async function realClientFactory(
  deps: Deps,
  tenantId: string,
  c: WhatsappConfig,
): Promise<RealClientFactory> {
  const wweb = (await import("whatsapp-web.js")).default;
  const dataPath = resolve(c.WHATSAPP_WEBJS_DATA_DIR);
  const store = new PgSessionStore(deps, tenantId, dataPath);
  const log = deps.logger.child({ channel: "whatsapp", transport: "webjs" });
  const RemoteAuth = settledRemoteAuth(wweb.RemoteAuth);
  return {
    async create() {
      const removed = await removeStaleLocks(dataPath);
      if (removed.length) log.warn({ files: removed.length }, "removed stale browser lock files");
      const client = new wweb.Client({
        authStrategy: new RemoteAuth({
          clientId: c.WHATSAPP_WEBJS_CLIENT_ID,
          dataPath,
          store,
          backupSyncIntervalMs: c.WHATSAPP_WEBJS_BACKUP_MS,
        }),
        // Without takeover, CONFLICT makes the library log out and delete the stored session.
        takeoverOnConflict: c.WHATSAPP_WEBJS_TAKEOVER,
        takeoverTimeoutMs: c.WHATSAPP_WEBJS_TAKEOVER_MS,
        puppeteer: {
          executablePath: c.WHATSAPP_CHROMIUM_PATH,
          headless: true,
          // Containers run as root without a user namespace sandbox; /dev/shm is small in Docker.
          args: ["--no-sandbox", "--disable-setuid-sandbox", "--disable-dev-shm-usage", "--disable-gpu"],
        },
        ...(c.WHATSAPP_WEB_VERSION
          ? {
              webVersion: c.WHATSAPP_WEB_VERSION,
              webVersionCache: {
                type: "remote" as const,
                remotePath: c.WHATSAPP_WEB_VERSION_URL,
                strict: true,
              },
            }
          : {}),
      });
      return client as unknown as WebjsClientLike;
    },
    makeMedia: (mimetype, base64, filename) => new wweb.MessageMedia(mimetype, base64, filename),
  };
}
