import type { Actor } from "../../../core/features/auth/index.js";
import { MAX_FILE_BYTES, previewChatFile } from "../../../core/features/file-import/index.js";
import {
  companyReady,
  continueChatSetup,
  type SetupOrigin,
  startChatSetup,
} from "../../../core/features/onboarding/index.js";
import { asAppError } from "../../../core/kernel/errors.js";
import { readBytesCapped } from "../../../core/kernel/read-capped.js";
import type { Reply } from "../../../core/ports/reply.js";
import { afterAck, type SlackContext, slackCode } from "../context.js";
import { claimEvent, finishEvent } from "../dedupe.js";
import { actorForSlackUser, NotMemberError } from "../people.js";
import type { Workspace } from "../workspaces.js";

const SETUP_WORDS = /^(set ?up|setup|start set ?up|einrichten|configurer|configurar)[.!]*$/i;

export function setupOrigin(ws: Workspace, slackUser: string): SetupOrigin {
  return {
    channel: "slack",
    address: `${ws.teamKey}:${slackUser}`,
    externalId: slackUser,
    targetTenant: ws.tenantId,
  };
}

/**
 * A DM that belongs to the guided set-up: an answer to its running conversation, or the first DM of
 * the owner of a tenant a Slack install made (no pipeline yet). Undefined = an ordinary message.
 */
export async function setupTurn(
  ctx: SlackContext,
  ws: Workspace,
  actor: Actor,
  m: { channel: string; user: string; text: string },
): Promise<Reply | undefined> {
  if (!m.channel.startsWith("D")) return undefined;
  const origin = setupOrigin(ws, m.user);
  const answer = await continueChatSetup(ctx.deps, origin, m.text);
  if (answer) return answer;
  if (actor.role !== "owner") return undefined;
  if (SETUP_WORDS.test(m.text.trim()) || !(await companyReady(ctx.deps, ws.tenantId)))
    return startChatSetup(ctx.deps, origin);
  return undefined;
}

/** A file in a Slack message event (the fields Keel reads). */
export interface SlackFile {
  id?: string;
  name?: string;
  title?: string;
  mimetype?: string;
  filetype?: string;
  size?: number;
  url_private_download?: string;
  url_private?: string;
}

export interface IncomingFileMessage {
  eventId: string;
  teamKey?: string;
  channel: string;
  user: string;
  ts: string;
  files: SlackFile[];
}

const DOWNLOAD_TIMEOUT_MS = 60_000;

/**
 * Where the bot token may be sent: Slack's own file hosts, or the configured Web API's origin (a
 * local stand-in in tests, a proxy in some deployments). A URL elsewhere never gets the token.
 */
function trustedFileUrl(url: string, apiUrl: string): boolean {
  try {
    const u = new URL(url);
    if (u.origin === new URL(apiUrl).origin) return true;
    return u.protocol === "https:" && (u.hostname === "files.slack.com" || u.hostname.endsWith(".slack.com"));
  } catch {
    return false;
  }
}

/** Downloads a Slack file with the bot token, stopping at `maxBytes` (the file is then too big). */
export async function downloadSlackFile(ws: Workspace, f: SlackFile, maxBytes: number): Promise<Uint8Array> {
  const url = f.url_private_download ?? f.url_private;
  if (!url || !trustedFileUrl(url, ws.client.slackApiUrl)) throw new Error("untrusted or missing file URL");
  const res = await fetch(url, {
    headers: { authorization: `Bearer ${ws.botToken}` },
    redirect: "error",
    signal: AbortSignal.timeout(DOWNLOAD_TIMEOUT_MS),
  });
  if (!res.ok || !res.body) throw new Error(`file download answered ${res.status}`);
  return readBytesCapped(res.body as AsyncIterable<Uint8Array>, maxBytes);
}

/**
 * A DM with a file: claimed once like any event, the sender resolved (strangers are told who can add
 * them), then the file is previewed as an import (CSV) or answered with what Keel can read.
 */
export async function handleFileMessage(ctx: SlackContext, m: IncomingFileMessage): Promise<void> {
  await afterAck();
  await ctx.tasks.limit(async () => {
    const ws = await ctx.workspaces.resolve(m.teamKey);
    if (!(await claimEvent(ctx.deps, ws.tenantId, m.eventId))) {
      ctx.log.info({ eventId: m.eventId }, "slack event already processed");
      return;
    }
    await ctx.workspaces.rememberChannel(m.channel, ws.teamKey);
    const say = (reply: Reply) => ctx.adapter.post(ws, { channel: m.channel }, reply);
    try {
      const actor = await actorForSlackUser(ctx.deps, ws, m.user);
      const f = m.files[0]!;
      const name = f.name || f.title || "file";
      const reply = await previewChatFile(ctx.deps, actor, { name, mimeType: f.mimetype, size: f.size }, () =>
        downloadSlackFile(ws, f, MAX_FILE_BYTES),
      );
      const ids = await say(
        m.files.length > 1
          ? { ...reply, text: `${reply.text}\n\n(I read one file per message; send the others one by one.)` }
          : reply,
      );
      await finishEvent(ctx.deps, ws.tenantId, m.eventId, { messages: ids });
    } catch (err) {
      const e = asAppError(err);
      if (err instanceof NotMemberError)
        ctx.log.info({ eventId: m.eventId }, "file from a non-member refused");
      else ctx.log.error({ err, code: slackCode(err), eventId: m.eventId }, "slack file message failed");
      await say({
        text: e.code === "internal" ? "Sorry, something went wrong; it has been logged." : e.userMessage,
      }).catch(() => {});
      await finishEvent(ctx.deps, ws.tenantId, m.eventId, { failed: true }).catch(() => {});
    }
  });
}
