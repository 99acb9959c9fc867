/** Slack tokens are sealed with the kernel sealer (purpose "slack-tokens"; "raw:" without KEEL_SECRET). */
export { createSealer, type Sealer } from "../../core/kernel/seal.js";
