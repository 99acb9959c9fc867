import { defineFeature } from "../../intents/feature.js";
import { cancelImport, chooseImportKind, confirmImport } from "./pending.js";

/** Files sent in chat: the Import / Cancel buttons of a previewed CSV. */
export const fileImportFeature = defineFeature({
  name: "file-import",
  intents: {
    "import.confirm": {
      permission: "data.import",
      refusal: "Importing files is for owners and finance people (your role: {role}).",
      handle: (deps, i, actor) => confirmImport(deps, actor, i.importRef),
    },
    "import.kind": {
      permission: "data.import",
      refusal: "Importing files is for owners and finance people (your role: {role}).",
      handle: (deps, i, actor) => chooseImportKind(deps, actor, i.importRef, i.importKind),
    },
    "import.cancel": {
      permission: "data.import",
      refusal: "Importing files is for owners and finance people (your role: {role}).",
      handle: (deps, i, actor) => cancelImport(deps, actor, i.importRef),
    },
  },
});
