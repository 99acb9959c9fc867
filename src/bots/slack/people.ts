import type { Deps } from "../../core/deps.js";
import type { Actor } from "../../core/features/auth/index.js";
import { type AdmissionRequest, requestAdmission } from "../../core/features/onboarding/index.js";
import { actorById, actorForIdentity, linkIdentityByEmail } from "../../core/features/tenancy/index.js";
import { AppError } from "../../core/kernel/errors.js";
import { saveActionRef } from "./action-refs.js";
import { renderReply } from "./render/blocks.js";
import type { Workspace } from "./workspaces.js";

const CACHE_MS = 3_600_000;

/** A Slack user nobody added: the message says who can add them; no listener goes further. */
export class NotMemberError extends AppError {
  constructor(text: string) {
    super("forbidden", text);
  }
}

/**
 * The Keel user behind a Slack user: the identity link, else the Slack profile's email matched to a
 * user an owner already added (users.info; the link is then recorded). Anyone else is NOT made a
 * member: they get a NotMemberError naming who can add them, and the owners get one notice with
 * "add as rep / viewer" buttons. Only the user id is cached; the role is read from the database on
 * every intent by the dispatcher.
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
      deps.logger.warn({ err, code: (err as { code?: string }).code }, "slack users.info failed");
    }
    if (profile.email)
      actor = await linkIdentityByEmail(deps.db, ws.tenantId, "slack", slackUserId, profile.email);
    if (!actor) {
      const ask = await requestAdmission(deps, ws.tenantId, {
        channel: "slack",
        externalId: slackUserId,
        name: profile.name,
        email: profile.email,
      });
      await notifyOwners(deps, ws, ask);
      throw new NotMemberError(ask.text);
    }
  }
  await deps.store.set(key, actor.userId, { ttlMs: CACHE_MS });
  return actor;
}

/** DMs each owner's Slack account the notice (with its buttons); a failed post is logged, not fatal. */
async function notifyOwners(deps: Deps, ws: Workspace, ask: AdmissionRequest): Promise<void> {
  const notice = ask.ownerNotice;
  if (!notice) return;
  if (notice.ownerAccounts.length === 0)
    deps.logger.warn({ tenantId: ws.tenantId }, "no owner on Slack to ask about a new user");
  const actionValues = await Promise.all(
    (notice.reply.actions ?? []).map((a) =>
      saveActionRef(deps.store, { teamId: ws.teamKey, intent: a.intent, label: a.label }),
    ),
  );
  const { messages } = renderReply(notice.reply, { actionValues });
  for (const owner of notice.ownerAccounts)
    for (const m of messages)
      await ws.client.chat
        .postMessage({ channel: owner, text: m.text, blocks: m.blocks, unfurl_links: false })
        .catch((err: unknown) =>
          deps.logger.warn({ err, code: (err as { code?: string }).code }, "owner notice failed"),
        );
}
