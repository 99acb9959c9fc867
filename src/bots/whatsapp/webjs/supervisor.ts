import type { Logger } from "../../../core/infra/logger.js";

import { classifyDisconnect, type DisconnectClass } from "./states.js";

export { classifyDisconnect, type DisconnectClass };

/** The part of whatsapp-web.js `Client` the supervisor drives. */
export interface SupervisedClient {
  // biome-ignore lint/suspicious/noExplicitAny: matches EventEmitter's listener signature
  on(event: string, listener: (...args: any[]) => void): unknown;
  removeAllListeners(event?: string): unknown;
  initialize(): Promise<void>;
  destroy(): Promise<void>;
}

export type SupervisorState = "idle" | "starting" | "qr" | "ready" | "restarting" | "stopped";

export interface SupervisorOptions<C extends SupervisedClient> {
  createClient(): C | Promise<C>;
  logger: Logger;
  /** Restarts allowed in any rolling hour before giving up (and alerting). */
  maxRestartsPerHour: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  onQr?(qr: string): void;
  onReady?(client: C): void;
  /** Wires the client's other events (messages) on every new client. */
  wire?(client: C): void;
  /** Called once when the supervisor stops for good: ban, outdated Web version, restart cap. */
  onHalt(reason: string, cls: DisconnectClass): Promise<void> | void;
  /**
   * Called when the library deleted the session (logout, unpaired, CONFLICT, PROXYBLOCK…): once per
   * loss, until the client is ready again; the supervisor then relaunches for a new QR code.
   */
  onSessionLost?(reason: string): Promise<void> | void;
}

/**
 * Keeps one whatsapp-web.js client alive: classifies each disconnect as the library treats it
 * (states.ts), restarts transient ones with exponential backoff and a cap per hour, alerts once and
 * relaunches for a new QR code when the library deleted the session, and halts (no more sends, one
 * alert) on a ban or an outdated Web version.
 */
export class Supervisor<C extends SupervisedClient> {
  state: SupervisorState = "idle";
  /** The reason the supervisor stopped, when it did. */
  haltReason?: string;
  lastQr?: string;
  /** Why the last session was lost (the library deleted it), until the client is ready again. */
  lostReason?: string;
  private client: C | null = null;
  private attempts = 0;
  private restarts: number[] = [];
  private timer: ReturnType<typeof setTimeout> | undefined;
  private generation = 0;
  /** The session loss already told to the owner (reset when the client is ready again). */
  private lostAlerted = false;

  constructor(private readonly o: SupervisorOptions<C>) {}

  /** The connected client, or null while (re)starting or stopped. */
  get ready(): C | null {
    return this.state === "ready" ? this.client : null;
  }

  async start(): Promise<void> {
    this.haltReason = undefined;
    this.lostAlerted = false;
    this.attempts = 0;
    await this.launch();
  }

  private async launch(): Promise<void> {
    const gen = ++this.generation;
    this.state = "starting";
    const client = await this.o.createClient();
    this.client = client;
    const current = () => gen === this.generation && this.state !== "stopped";
    client.on("qr", (qr: string) => {
      if (!current()) return;
      this.state = "qr";
      this.lastQr = qr;
      this.o.onQr?.(qr);
    });
    client.on("authenticated", () => current() && this.o.logger.info("whatsapp authenticated"));
    client.on("auth_failure", (msg: string) => {
      if (current()) void this.onDisconnect("AUTH_FAILURE", msg);
    });
    client.on("ready", () => {
      if (!current()) return;
      this.state = "ready";
      this.lastQr = undefined;
      this.attempts = 0;
      this.lostAlerted = false;
      this.lostReason = undefined;
      this.o.logger.info("whatsapp ready");
      this.o.onReady?.(client);
    });
    client.on("disconnected", (reason: string) => {
      if (current()) void this.onDisconnect(String(reason));
    });
    this.o.wire?.(client);
    client.initialize().catch((err: unknown) => {
      if (current()) void this.onDisconnect("INIT_FAILED", err);
    });
  }

  private async teardown(): Promise<void> {
    const c = this.client;
    this.client = null;
    if (!c) return;
    c.removeAllListeners();
    await c.destroy().catch(() => undefined);
  }

  private async onDisconnect(reason: string, detail?: unknown): Promise<void> {
    const cls = classifyDisconnect(reason);
    this.o.logger.warn(
      { reason, cls, err: detail instanceof Error ? detail : undefined },
      "whatsapp disconnected",
    );
    this.generation++; // late events of the old client are ignored from here on
    await this.teardown();
    if (cls === "fatal") return this.halt(reason, cls);
    this.state = "restarting";
    if (cls === "session_lost") this.lostReason = reason;
    if (cls === "session_lost" && !this.lostAlerted) {
      // The library already deleted the stored session: waiting quietly for a scan nobody knows
      // about is how a number stays offline for days. Tell the owner once, then show a new QR.
      this.lostAlerted = true;
      await Promise.resolve(this.o.onSessionLost?.(reason)).catch((err: unknown) =>
        this.o.logger.error({ err }, "whatsapp session-lost alert failed"),
      );
      // stop() may have run while the alert was being sent.
      if ((this.state as SupervisorState) === "stopped") return;
    }
    const now = Date.now();
    this.restarts = this.restarts.filter((t) => now - t < 3_600_000);
    if (this.restarts.length >= this.o.maxRestartsPerHour) return this.halt("RESTART_CAP", "fatal");
    this.restarts.push(now);
    const delay = Math.min(
      this.o.maxDelayMs ?? 300_000,
      (this.o.baseDelayMs ?? 5_000) * 2 ** this.attempts++,
    );
    this.state = "restarting";
    this.o.logger.info(
      { delayMs: delay, restartsThisHour: this.restarts.length },
      "whatsapp restart scheduled",
    );
    this.timer = setTimeout(() => {
      this.timer = undefined;
      if (this.state === "restarting")
        void this.launch().catch((err) => this.onDisconnect("INIT_FAILED", err));
    }, delay);
  }

  private async halt(reason: string, cls: DisconnectClass): Promise<void> {
    if (this.state === "stopped") return;
    this.state = "stopped";
    this.haltReason = reason;
    await this.o.onHalt(reason, cls);
  }

  /** Shuts the client down for good (process exit); no alert. */
  async stop(): Promise<void> {
    clearTimeout(this.timer);
    this.generation++;
    this.state = "stopped";
    await this.teardown();
  }
}
