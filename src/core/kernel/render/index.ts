export * from "./chunk.js";
