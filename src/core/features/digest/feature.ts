import { defineFeature } from "../../intents/feature.js";
import { digestSettingsHandler } from "./handler.js";

/** Scheduled digests per chat: cadence, time, time zone, or one right now. */
export const digestFeature = defineFeature({
  name: "digest",
  intents: {
    "digest.settings": {
      permission: "digest.manage",
      refusal: "Your role ({role}) cannot change digests; ask an owner or a manager.",
      handle: digestSettingsHandler,
    },
  },
  commands: [
    {
      name: "digest",
      usage: "digest daily HH:MM | weekly DAY HH:MM | off | now",
      summary: "scheduled digests for this chat",
    },
  ],
});
