import { defineFeature } from "../../intents/feature.js";
import { admitMember } from "./admission.js";

/** Letting people in: an owner admits a chat account that wrote to Keel. */
export const onboardingFeature = defineFeature({
  name: "onboarding",
  intents: {
    "member.admit": {
      permission: "settings.manage",
      refusal: "Only an owner can add people.",
      handle: (deps, i, actor) => admitMember(deps, actor, i),
    },
  },
});
