/** The REST API's core: tokens and scopes, idempotency records, paged reads and writes through the import rules. */

export * from "./cursor.js";
export * from "./idempotency.js";
export * from "./reads.js";
export * from "./reports.js";
export * from "./scopes.js";
export * from "./tokens.js";
export * from "./writes.js";
