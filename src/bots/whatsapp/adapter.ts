import type { Deps } from "../../core/deps.js";
import { AppError } from "../../core/kernel/errors.js";
import type {
  ChannelCapabilities,
  ChatAdapter,
  DeliveryTarget,
  SendResult,
} from "../../core/ports/chat-adapter.js";
import { DeliveryDeferred } from "../../core/ports/chat-adapter.js";
import type { Reply } from "../../core/ports/reply.js";
import { REENGAGEMENT_CODE } from "./cloud/graph-client.js";
import type { ActionMenu } from "./menu.js";
import type { ContactPacer } from "./pacer.js";
import { toAddress } from "./phone.js";
import { type OutboundPart, type RenderedWhatsapp, renderBody, renderWhatsapp } from "./render.js";
import type { WhatsappTransport } from "./transport.js";

const PART_TTL_MS = 2 * 24 * 3_600_000;

export interface WhatsappAdapterOptions {
  deps: Deps;
  transport: WhatsappTransport;
  menu: ActionMenu;
  pacer: ContactPacer;
  /** The tenant owning the transport's business account. */
  tenantId: string;
}

/**
 * The WhatsApp ChatAdapter the outbox delivers through (`deps.channels.set("whatsapp", adapter)`).
 * Renders the neutral Reply, registers its actions server-side (numbered menu / button ids), applies
 * the transport's send gate (24-hour window), paces per contact and sends each part at most once per
 * outbox row: a retry after a partial failure resumes at the first unsent part.
 */
export class WhatsappAdapter implements ChatAdapter {
  readonly channel = "whatsapp" as const;
  constructor(private readonly o: WhatsappAdapterOptions) {}

  get capabilities(): ChannelCapabilities {
    return this.o.transport.capabilities;
  }

  get transport(): WhatsappTransport {
    return this.o.transport;
  }

  deliversHere(): boolean {
    return this.o.transport.deliversHere?.() ?? true;
  }

  /** Registers the reply's actions for `to` and renders it; used by send and by the contract tests. */
  async render(to: string, reply: Reply): Promise<RenderedWhatsapp> {
    const refs = await this.o.menu.remember(this.o.tenantId, to, reply.actions ?? []);
    return renderWhatsapp(reply, this.capabilities, refs);
  }

  async send(target: DeliveryTarget, reply: Reply): Promise<SendResult> {
    const { transport, deps, tenantId } = this.o;
    const to = toAddress(target.address);
    if (!to)
      throw new AppError("bad_input", "That is not a WhatsApp number.", {
        detail: "invalid WhatsApp address",
      });
    const gate = (await transport.gate?.(tenantId, to)) ?? { mode: "free" as const };
    // Outside the 24-hour window with no template: not a failure, the outbox keeps it for later.
    if (gate.mode === "hold") throw new DeliveryDeferred(gate.reason);
    if (gate.mode === "template") {
      if (!transport.sendTemplate)
        throw new AppError("provider_error", "No template sender.", {
          detail: "transport cannot send templates",
        });
      const id = await this.once(target, 0, to, () => transport.sendTemplate!(to, renderBody(reply, false)));
      deps.logger
        .child({ channel: "whatsapp" })
        .info({ template: gate.name }, "outside the 24-hour window: sent the template");
      return {
        messageIds: [id],
        warnings: [`outside the 24-hour window: sent template ${gate.name} instead of the message`],
      };
    }
    const rendered = await this.render(to, reply);
    const ids: string[] = [];
    const warnings = [...rendered.warnings];
    try {
      for (const [i, part] of rendered.parts.entries()) {
        const id = await this.once(target, i, to, () => this.sendPart(to, part, warnings));
        if (id) ids.push(id);
      }
    } catch (e) {
      // 131047: WhatsApp says the 24-hour window is closed though our record said open (the
      // contact's last message never reached us, or clocks differ). Resending free text cannot work.
      if ((e as { graphCode?: number }).graphCode !== REENGAGEMENT_CODE || ids.length) throw e;
      const log = deps.logger.child({ channel: "whatsapp" });
      if (transport.templateName && transport.sendTemplate) {
        const id = await this.once(target, 0, to, () =>
          transport.sendTemplate!(to, renderBody(reply, false)),
        );
        log.info({ template: transport.templateName }, "whatsapp 131047: sent the template instead");
        return {
          messageIds: [id],
          warnings: [...warnings, `131047: sent template ${transport.templateName}`],
        };
      }
      log.warn("whatsapp 131047 and no template configured: message held until the contact writes again");
      throw new DeliveryDeferred(
        "WhatsApp refused free text (131047: more than 24 hours since the contact last wrote) and WHATSAPP_CLOUD_TEMPLATE is not set; held until the contact writes again",
      );
    }
    return { messageIds: ids, warnings };
  }

  private async sendPart(to: string, p: OutboundPart, warnings: string[]): Promise<string> {
    const t = this.o.transport;
    if (p.type === "text") return t.sendText(to, p.text);
    if (p.type === "buttons") {
      if (t.sendButtons) return t.sendButtons(to, p.body, p.buttons);
      return t.sendText(to, `${p.body}\n\n${p.buttons.map((b, i) => `*${i + 1}* ${b.title}`).join("\n")}`);
    }
    if (t.sendImage) return t.sendImage(to, p.pngBase64, p.caption);
    warnings.push("image not sent: the transport cannot send media");
    return "";
  }

  /**
   * Sends part `i` of an outbox row unless an earlier attempt already did; paced per contact, and
   * only while the row's claim is still this sender's (the outbox fence).
   */
  private async once(
    target: DeliveryTarget,
    i: number,
    to: string,
    send: () => Promise<string>,
  ): Promise<string> {
    const key = target.idempotencyKey
      ? `wa:part:${this.o.tenantId}:${target.idempotencyKey}:${i}`
      : undefined;
    // The outbox row's ledger (Postgres) first: it survives a crash without Redis.
    const recorded = target.parts?.done(i);
    if (recorded !== undefined) return recorded;
    if (key) {
      const done = await this.o.deps.store.get(key);
      if (done !== null) return done;
    }
    await this.o.pacer.wait(to);
    // After the pacing wait, right before the send: a claim that ran out meanwhile is not acted on.
    await target.parts?.fence?.();
    const id = await send();
    await target.parts?.record(i, id);
    if (key) await this.o.deps.store.set(key, id, { ttlMs: PART_TTL_MS });
    return id;
  }

  async start(): Promise<void> {
    await this.o.transport.start?.();
  }

  async stop(): Promise<void> {
    await this.o.transport.stop?.();
  }
}
