export type * from "./chat-adapter.js";
export { ClaimLost, DeliveryDeferred } from "./chat-adapter.js";
export * from "./clock.js";
export type * from "./llm.js";
export type * from "./reply.js";
export { textReply } from "./reply.js";
export type * from "./store.js";
