import type { Deps } from "../../core/deps.js";
import type { Actor } from "../../core/features/auth/index.js";
import { actorById, actorForIdentity, ensureIdentityUser } from "../../core/features/tenancy/index.js";
import type { Workspace } from "./workspaces.js";

const CACHE_MS = 3_600_000;

/**
 * The Keel user behind a Slack user: the identity link, else the Slack profile's email matched to a
 * user of the tenant (users.info), else a new viewer. Only the user id is cached; the role is read
 * from the database on every intent by the dispatcher.
 */
export async function actorForSlackUser(deps: Deps, ws: Workspace, slackUserId: string): Promise<Actor> {
  const key = `slack:user:${ws.teamKey}:${slackUserId}`;
  const cached = await deps.store.get(key);
  if (cached) {
    const a = await actorById(deps.db, ws.tenantId, cached);
    if (a) return a;
  }
  let actor = await actorForIdentity(deps.db, ws.tenantId, "slack", slackUserId);
  if (!actor) {
    let profile: { name: string; email?: string } = { name: slackUserId };
    try {
      const info = await ws.client.users.info({ user: slackUserId });
      const u = info.user;
      profile = {
        name: u?.real_name || u?.profile?.real_name || u?.name || slackUserId,
        email: u?.profile?.email || undefined,
      };
    } catch (err) {
      deps.logger.warn(
        { err, code: (err as { code?: string }).code },
        "slack users.info failed; creating a viewer without email",
      );
    }
    actor = await ensureIdentityUser(deps.db, ws.tenantId, "slack", slackUserId, profile);
  }
  await deps.store.set(key, actor.userId, { ttlMs: CACHE_MS });
  return actor;
}
