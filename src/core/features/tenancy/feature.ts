import { defineFeature } from "../../intents/feature.js";
import { setRoleReply } from "./roles.js";

/** Who is who in a workspace: `settings role USER ROLE`. */
export const tenancyFeature = defineFeature({
  name: "tenancy",
  intents: {
    "settings.role": {
      permission: "settings.manage",
      refusal: "Only an owner can assign roles.",
      handle: (deps, i, actor) => setRoleReply(deps, actor, i.origin.channel, i.user, i.role),
    },
  },
  commands: [{ name: "settings", usage: "settings role USER ROLE", summary: "assign roles (owner only)" }],
});
