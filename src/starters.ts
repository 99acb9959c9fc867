import { createEmailAdapter } from "./bots/email/index.js";
import { slackStarter } from "./bots/slack/starter.js";
import { whatsappStarter } from "./bots/whatsapp/starter.js";
import { pipedriveWebhookMount } from "./http/pipedrive.js";
import { stripeWebhookRoutes } from "./http/stripe-webhook.js";
import { jobsStarter } from "./jobs/starter.js";
import type { Starter } from "./starter.js";

/** Email is outbound only: register the adapter so approved email drafts can be delivered. */
const emailStarter: Starter = async (keel) => {
  const email = createEmailAdapter(keel.deps.config.email);
  if (email) keel.deps.channels.set("email", email);
  return undefined;
};

/** Connector webhooks: always mounted; a delivery for a tenant that never connected is refused. */
const connectorsStarter: Starter = async (keel, mount) => {
  mount((app) => app.route("/", stripeWebhookRoutes(keel.deps)));
  mount(pipedriveWebhookMount(keel.deps));
  return undefined;
};

/**
 * Channels and background work that `keel start` runs, each deciding from config whether it is on.
 * One line per starter; the composition root (main.ts) runs them in order.
 */
export const STARTERS: Starter[] = [
  emailStarter,
  slackStarter,
  whatsappStarter,
  connectorsStarter,
  jobsStarter,
];
