import type { Keel } from "./app.js";
import type { Mount } from "./http/app.js";

/**
 * A piece the composition root starts (a channel, the jobs); returns its stop function, or nothing
 * when configuration leaves it off. Kept in its own file so channels import the type without
 * importing main.ts (which imports them).
 */
export type Starter = (keel: Keel, mount: (m: Mount) => void) => Promise<(() => Promise<void>) | undefined>;
