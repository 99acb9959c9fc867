export * from "./feature.js";
export * from "./policy.js";
export * from "./repository.js";
export * from "./state.js";
export * from "./templates.js";
export * from "./use-cases.js";
