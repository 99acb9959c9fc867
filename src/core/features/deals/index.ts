export * from "./checklist.js";
export * from "./feature.js";
export * from "./queries.js";
export * from "./use-cases.js";
