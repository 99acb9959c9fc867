/** What Keel understands: help lines from every feature, "did you mean", usage errors. */
export { helpFeature } from "./feature.js";
export { helpReply } from "./reply.js";
