export * from "./checklist.js";
export * from "./queries.js";
export * from "./summary.js";
export * from "./use-cases.js";
