export type * from "./chat-adapter.js";
export type * from "./reply.js";
export type * from "./store.js";
export * from "./clock.js";
export { DeliveryDeferred } from "./chat-adapter.js";
export { textReply } from "./reply.js";
export type * from "./llm.js";
