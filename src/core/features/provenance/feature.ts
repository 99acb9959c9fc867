import { defineFeature } from "../../intents/feature.js";
import { sourcesReply } from "./sources-store.js";

/** `sources?`: where every figure of the previous answer in this conversation came from. */
export const provenanceFeature = defineFeature({
  name: "provenance",
  intents: {
    "sources.show": {
      permission: "anyone",
      handle: (deps, i) => sourcesReply(deps.store, i.origin.tenantId, i.origin.conversationId),
    },
  },
});
