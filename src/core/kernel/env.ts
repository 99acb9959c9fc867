import { z } from "zod";

/**
 * Building blocks for the one environment schema (src/config.ts): real booleans from the usual
 * spellings, and URLs restricted to given protocols. Kept in the kernel so feature folders can
 * declare their keys without importing the composition root.
 */
export const envBool = z
  .enum(["true", "false", "1", "0", "yes", "no"])
  .transform((v) => v === "true" || v === "1" || v === "yes");

export const envUrl = (protocols: string[]) =>
  z.string().refine(
    (v) => {
      try {
        return protocols.includes(new URL(v).protocol.replace(":", ""));
      } catch {
        return false;
      }
    },
    `a URL starting with ${protocols.map((p) => `${p}://`).join(" or ")}`,
  );
