import { join } from "node:path";
import type { Deps } from "../../deps.js";
import type { Reply } from "../../ports/reply.js";
import type { Actor } from "../auth/index.js";
import { digestFor } from "./audience.js";
import { composeDigest, type DigestData } from "./compose.js";
import { digestImage, digestReply } from "./render.js";

export interface BuiltDigest {
  data: DigestData;
  reply: Reply;
}

/** Folder where chart PNGs are saved for channels that show a path (console). */
export const chartsDir = (deps: Deps) => join(deps.config.app.dataDir, "charts");

/**
 * Composes a tenant's digest and renders it: text + sections + a PNG chart (no browser). The chart
 * is saved under `KEEL_DATA_DIR/charts/` when `save` is set (console shows `image.path`). A chart
 * that cannot be drawn leaves a text-only digest with a warning in `meta`.
 */
export async function buildDigest(
  deps: Deps,
  tenantId: string,
  opts: {
    since: Date;
    save?: boolean;
    name?: string;
    title?: string;
    /** Whose role decides what the digest shows; omitted = the whole business (operator CLI only). */
    audience?: Pick<Actor, "role" | "userId">;
  },
): Promise<BuiltDigest> {
  const full = await composeDigest(deps, tenantId, { since: opts.since });
  const data = opts.audience ? digestFor(full, opts.audience) : full;
  const reply = digestReply(data, opts.title);
  try {
    const image = await digestImage(data, opts.save ? { saveDir: chartsDir(deps), name: opts.name } : {});
    if (image) {
      const { renderer, ...img } = image;
      reply.image = img;
      reply.meta = { ...reply.meta, chartRenderer: renderer };
    }
  } catch (err) {
    deps.logger.warn({ err, tenantId }, "digest chart failed; sending text only");
    reply.meta = { ...reply.meta, warnings: ["chart unavailable"] };
  }
  return { data, reply };
}
