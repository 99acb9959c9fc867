export * from "./dispatcher.js";
export * from "./feature.js";
export * from "./intent.js";
export * from "./parse.js";
export * from "./registry.js";
