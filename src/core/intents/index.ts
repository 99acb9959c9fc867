export * from "./dispatcher.js";
export * from "./help.js";
export * from "./intent.js";
export * from "./parse.js";
