import { slackStarter } from "./bots/slack/starter.js";
import { whatsappStarter } from "./bots/whatsapp/starter.js";
import { jobsStarter } from "./jobs/starter.js";
import type { Starter } from "./main.js";

/**
 * Channels and background work that `keel start` runs, each deciding from config whether it is on.
 * One line per starter; the composition root (main.ts) runs them in order.
 */
export const STARTERS: Starter[] = [slackStarter, whatsappStarter, jobsStarter];
