import type { Starter } from "../../starter.js";
import { createSlackRuntime } from "./runtime.js";

/**
 * `keel start` hook: off unless Slack is configured; otherwise registers the adapter for outbox
 * delivery, mounts the HTTP routes or starts Socket Mode, and returns the stop function.
 */
export const slackStarter: Starter = async (keel, mount) => {
  const settings = keel.deps.config.slack;
  if (settings.mode === "off") {
    keel.deps.logger.debug("slack not configured");
    return undefined;
  }
  const runtime = createSlackRuntime(keel, settings);
  keel.deps.channels.set("slack", runtime.adapter);
  mount((app) => runtime.mount(app));
  await runtime.start();
  keel.deps.logger.info({ mode: settings.mode, oauth: Boolean(settings.oauth) }, "slack started");
  return () => runtime.stop();
};
