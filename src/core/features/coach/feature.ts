import { defineFeature } from "../../intents/feature.js";
import { coachHandler } from "./handler.js";

/** Free-text questions: answered from the tenant's figures, or routed to the feature they are about. */
export const coachFeature = defineFeature({
  name: "coach",
  intents: { "coach.message": { permission: "anyone", handle: coachHandler } },
});
