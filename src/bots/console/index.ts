export * from "./adapter.js";
export * from "./render.js";
export * from "./session.js";
export * from "./to-intent.js";
