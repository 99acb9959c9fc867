import { eq, sql } from "drizzle-orm";
import { tenantForChannel } from "../../core/features/tenancy/index.js";
import type { Database } from "../../core/infra/db/client.js";
import { channelLinks, slackInstallations } from "../../core/infra/db/schema/index.js";
import type { Sealer } from "./seal.js";

/** What the adapter needs from an installation to act in a workspace. */
export interface SlackInstall {
  tenantId: string;
  teamKey: string;
  teamId?: string;
  enterpriseId?: string;
  botToken: string;
  botUserId?: string;
  botId?: string;
  refreshToken?: string;
  expiresAt?: Date;
  scopes: string[];
}

export interface SaveInstallInput extends Omit<SlackInstall, "tenantId"> {
  appId?: string;
  installerUserId?: string;
  isEnterpriseInstall: boolean;
  details?: Record<string, unknown>;
}

/**
 * The installation store in Postgres. The team → tenant link is a channel link (found before the
 * tenant is known through keel_tenant_for_channel); the installation row itself is tenant data
 * under RLS. Tokens are sealed.
 */
export class InstallationRepo {
  constructor(
    private readonly db: Database,
    private readonly sealer: Sealer,
  ) {}

  /** Creates or replaces the installation of a team for a tenant and links the team to the tenant. */
  async save(tenantId: string, i: SaveInstallInput): Promise<void> {
    const values = {
      tenantId,
      teamKey: i.teamKey,
      teamId: i.teamId ?? null,
      enterpriseId: i.enterpriseId ?? null,
      isEnterpriseInstall: i.isEnterpriseInstall,
      appId: i.appId ?? null,
      botUserId: i.botUserId ?? null,
      botId: i.botId ?? null,
      botScopes: i.scopes,
      botToken: this.sealer.seal(i.botToken),
      botRefreshToken: i.refreshToken ? this.sealer.seal(i.refreshToken) : null,
      botTokenExpiresAt: i.expiresAt ?? null,
      installerUserId: i.installerUserId ?? null,
      details: i.details ?? {},
      updatedAt: new Date(),
    };
    await this.db.tenantTx(tenantId, async (tx) => {
      await tx
        .insert(channelLinks)
        .values({ tenantId, channel: "slack", externalId: i.teamKey })
        .onConflictDoNothing();
      await tx
        .insert(slackInstallations)
        .values(values)
        .onConflictDoUpdate({ target: slackInstallations.teamKey, set: values });
    });
  }

  /** The installation of a team (or enterprise), or undefined when not installed. */
  async find(teamKey: string): Promise<SlackInstall | undefined> {
    const tenantId = await tenantForChannel(this.db, "slack", teamKey);
    if (!tenantId) return undefined;
    const [row] = await this.db.tenantTx(tenantId, (tx) =>
      tx.select().from(slackInstallations).where(eq(slackInstallations.teamKey, teamKey)).limit(1),
    );
    if (!row) return undefined;
    return {
      tenantId,
      teamKey,
      teamId: row.teamId ?? undefined,
      enterpriseId: row.enterpriseId ?? undefined,
      botToken: this.sealer.open(row.botToken),
      botUserId: row.botUserId ?? undefined,
      botId: row.botId ?? undefined,
      refreshToken: row.botRefreshToken ? this.sealer.open(row.botRefreshToken) : undefined,
      expiresAt: row.botTokenExpiresAt ?? undefined,
      scopes: row.botScopes,
    };
  }

  /** Stores a rotated token pair. */
  async updateTokens(
    tenantId: string,
    teamKey: string,
    t: { botToken: string; refreshToken: string; expiresAt: Date },
  ): Promise<void> {
    await this.db.tenantTx(tenantId, (tx) =>
      tx
        .update(slackInstallations)
        .set({
          botToken: this.sealer.seal(t.botToken),
          botRefreshToken: this.sealer.seal(t.refreshToken),
          botTokenExpiresAt: t.expiresAt,
          updatedAt: new Date(),
        })
        .where(eq(slackInstallations.teamKey, teamKey)),
    );
  }

  /** Removes a team's installation (uninstall, tokens revoked). The tenant link stays for a reinstall. */
  async remove(teamKey: string): Promise<boolean> {
    const tenantId = await tenantForChannel(this.db, "slack", teamKey);
    if (!tenantId) return false;
    const rows = await this.db.tenantTx(tenantId, (tx) =>
      tx
        .delete(slackInstallations)
        .where(eq(slackInstallations.teamKey, teamKey))
        .returning({ id: slackInstallations.id }),
    );
    return rows.length > 0;
  }

  /** Installed team keys across tenants (ids only, SECURITY DEFINER). */
  async teams(): Promise<{ teamKey: string; tenantId: string }[]> {
    const list = await this.db.rows<{ team_key: string; tenant_id: string }>(
      sql`select * from keel_slack_installed_teams()`,
    );
    return list.map((r) => ({ teamKey: r.team_key, tenantId: r.tenant_id }));
  }
}
