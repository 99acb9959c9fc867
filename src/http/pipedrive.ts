import type { Deps } from "../core/deps.js";
import { handlePipedriveWebhook, WEBHOOK_PATH } from "../core/features/pipedrive/index.js";
import type { Mount } from "./app.js";
import { readCapped } from "./body.js";

/** POST /connectors/pipedrive/webhook: body capped (PIPEDRIVE_WEBHOOK_MAX_BYTES), then the core handler. */
export function pipedriveWebhookMount(deps: Deps): Mount {
  return (app) =>
    app.post(WEBHOOK_PATH, async (c) => {
      const body = await readCapped(c.req.raw, deps.config.pipedrive.PIPEDRIVE_WEBHOOK_MAX_BYTES);
      if (body === null) {
        deps.logger.warn({ path: WEBHOOK_PATH }, "pipedrive webhook body too large");
        return c.json({ ok: false, error: "too_large" }, 413);
      }
      const r = await handlePipedriveWebhook(deps, { authorization: c.req.header("authorization"), body });
      if (r.status === 401) c.header("www-authenticate", 'Basic realm="keel-pipedrive"');
      return c.json(r.body, r.status);
    });
}
