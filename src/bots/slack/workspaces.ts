import type { WebClient } from "@slack/web-api";
import type { Deps } from "../../core/deps.js";
import { findTenantBySlug } from "../../core/features/tenancy/index.js";
import { AppError } from "../../core/kernel/errors.js";
import type { SlackSettings } from "./config.js";
import type { InstallationRepo } from "./installations.js";
import type { ClientFactory } from "./web-client.js";

/** A workspace Keel can act in: its tenant, bot identity and Web API client. */
export interface Workspace {
  teamKey: string;
  tenantId: string;
  botToken: string;
  botUserId?: string;
  botId?: string;
  client: WebClient;
}

const CACHE_MS = 60_000;
const REFRESH_BEFORE_MS = 2 * 3_600_000;

/**
 * Finds the workspace for an incoming team id (and the team of an outgoing channel). Single-workspace
 * mode (SLACK_BOT_TOKEN) maps its team to SLACK_TENANT (default "demo"); OAuth mode reads the
 * installation store and rotates expiring tokens. Unknown or uninstalled teams throw, so Bolt calls
 * no listener and nothing is sent.
 */
export class Workspaces {
  private single?: Promise<Workspace>;
  private singleTeam?: string;
  private singleKnown?: Workspace;
  private readonly cache = new Map<string, { ws: Workspace; at: number }>();

  constructor(
    private readonly deps: Deps,
    private readonly settings: SlackSettings,
    private readonly clients: ClientFactory,
    readonly repo?: InstallationRepo,
  ) {}

  /** Resolves the single-workspace bot (auth.test once) and links its team to the tenant. */
  private async singleWorkspace(): Promise<Workspace> {
    this.single ??= (async () => {
      const token = this.settings.botToken!;
      const client = this.clients.get(token);
      const auth = await client.auth.test();
      const slug = this.settings.tenantSlug ?? this.deps.config.app.defaultTenant ?? "demo";
      const tenant = await findTenantBySlug(this.deps.db, slug);
      if (!tenant)
        throw new AppError(
          "config_invalid",
          `SLACK_TENANT "${slug}" does not exist; load the demo (keel demo) or set SLACK_TENANT.`,
        );
      this.singleTeam = String(auth.team_id ?? "");
      this.singleKnown = {
        teamKey: this.singleTeam,
        tenantId: tenant.id,
        botToken: token,
        botUserId: auth.user_id,
        botId: auth.bot_id,
        client,
      };
      return this.singleKnown;
    })();
    this.single.catch(() => {
      this.single = undefined;
    });
    return this.single;
  }

  /** The workspace for a team key if it is already known in memory (no I/O; may be stale by ≤ 60 s). */
  cached(teamKey: string | undefined): Workspace | undefined {
    if (
      this.settings.botToken &&
      this.singleKnown &&
      (!this.repo || !teamKey || teamKey === this.singleKnown.teamKey)
    )
      return this.singleKnown;
    return teamKey ? this.cache.get(teamKey)?.ws : undefined;
  }

  /** The workspace for a team (or enterprise) key. */
  async resolve(teamKey: string | undefined): Promise<Workspace> {
    if (this.settings.botToken) {
      const ws = await this.singleWorkspace();
      if (!this.repo || !teamKey || teamKey === ws.teamKey) return ws;
    }
    if (!this.repo || !teamKey) throw new AppError("not_found", "This Slack workspace is not installed.");
    const hit = this.cache.get(teamKey);
    if (hit && Date.now() - hit.at < CACHE_MS) return hit.ws;
    let inst = await this.repo.find(teamKey);
    if (!inst) throw new AppError("not_found", `Slack workspace ${teamKey} is not installed.`);
    if (inst.refreshToken && inst.expiresAt && inst.expiresAt.getTime() - Date.now() < REFRESH_BEFORE_MS) {
      const r = (await this.clients.get().oauth.v2.access({
        client_id: this.settings.oauth!.clientId,
        client_secret: this.settings.oauth!.clientSecret,
        grant_type: "refresh_token",
        refresh_token: inst.refreshToken,
      })) as { access_token?: string; refresh_token?: string; expires_in?: number };
      if (r.access_token && r.refresh_token) {
        const expiresAt = new Date(Date.now() + (r.expires_in ?? 43_200) * 1000);
        await this.repo.updateTokens(inst.tenantId, teamKey, {
          botToken: r.access_token,
          refreshToken: r.refresh_token,
          expiresAt,
        });
        this.clients.forget(inst.botToken);
        inst = { ...inst, botToken: r.access_token, refreshToken: r.refresh_token, expiresAt };
        this.deps.logger.info({ teamKey }, "slack token rotated");
      }
    }
    const ws: Workspace = {
      teamKey,
      tenantId: inst.tenantId,
      botToken: inst.botToken,
      botUserId: inst.botUserId,
      botId: inst.botId,
      client: this.clients.get(inst.botToken),
    };
    this.cache.set(teamKey, { ws, at: Date.now() });
    return ws;
  }

  /** Forgets a team after uninstall so no further call uses its token. */
  forget(teamKey: string): void {
    const hit = this.cache.get(teamKey);
    if (hit) this.clients.forget(hit.ws.botToken);
    this.cache.delete(teamKey);
  }

  /** Remembers which team a channel belongs to, for outgoing messages from the outbox. */
  async rememberChannel(channelId: string, teamKey: string): Promise<void> {
    await this.deps.store.set(`slack:channel-team:${channelId}`, teamKey, { ttlMs: 90 * 24 * 3_600_000 });
  }

  /** The workspace that owns a channel: remembered from inbound traffic, else the only one there is. */
  async forChannel(channelId: string): Promise<Workspace> {
    const team = await this.deps.store.get(`slack:channel-team:${channelId}`);
    if (team) return this.resolve(team);
    if (this.settings.botToken) return this.singleWorkspace();
    const teams = (await this.repo?.teams()) ?? [];
    if (teams.length === 1) return this.resolve(teams[0]!.teamKey);
    throw new AppError("not_found", `No Slack workspace known for channel ${channelId}.`);
  }
}
