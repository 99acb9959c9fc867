import { defineFeature } from "../../intents/feature.js";
import { syncStatusReply } from "./status.js";

/** `sync status` in chat: owners see every connector's health (permission is data, checked first). */
export const connectorsFeature = defineFeature({
  name: "connectors",
  intents: {
    "sync.status": {
      permission: "settings.manage",
      refusal: "Your role ({role}) cannot see connector status; ask an owner.",
      handle: (deps, i, actor) => syncStatusReply(deps, actor.tenantId, i.provider),
    },
  },
  commands: [
    {
      name: "sync",
      usage: "sync status [pipedrive|stripe]",
      summary: "connector health and the last sync's changes",
      aliases: ["connectors"],
    },
  ],
});
