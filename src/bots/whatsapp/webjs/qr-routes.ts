import { timingSafeEqual } from "node:crypto";
import { Hono } from "hono";
import qrcode from "qrcode-terminal";
import type { AppEnv } from "../../../http/app.js";

/** The QR code as terminal text (block characters), for the log and the HTTP endpoint. */
export function qrAscii(qr: string): Promise<string> {
  return new Promise((r) => qrcode.generate(qr, { small: true }, r));
}

export interface QrRoutesOptions {
  /** KEEL_API_TOKEN; without it the endpoints are disabled (a QR code is a login). */
  apiToken?: string;
  status(): { state: string; qr?: string; haltReason?: string; lostReason?: string };
  relink(): Promise<void>;
}

function authorized(header: string | undefined, token: string | undefined): boolean {
  if (!token || !header?.startsWith("Bearer ")) return false;
  const a = Buffer.from(header.slice(7));
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * `GET /whatsapp/qr` (bearer KEEL_API_TOKEN): the current login QR for headless servers, as JSON
 * `{state, qr, ascii}` or `?format=text`. `POST /whatsapp/relink` starts a new login after a logout.
 */
export function qrRoutes(o: QrRoutesOptions): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.use("/whatsapp/qr", async (c, next) =>
    authorized(c.req.header("authorization"), o.apiToken) ? next() : c.json({ error: "unauthorized" }, 401),
  );
  app.use("/whatsapp/relink", async (c, next) =>
    authorized(c.req.header("authorization"), o.apiToken) ? next() : c.json({ error: "unauthorized" }, 401),
  );
  app.get("/whatsapp/qr", async (c) => {
    const s = o.status();
    const ascii = s.qr ? await qrAscii(s.qr) : undefined;
    if (c.req.query("format") === "text")
      return c.text(ascii ?? `No QR code to scan (state: ${s.state}).\n`, s.qr ? 200 : 404);
    return c.json({
      state: s.state,
      qr: s.qr ?? null,
      ascii: ascii ?? null,
      haltReason: s.haltReason ?? null,
      lostReason: s.lostReason ?? null,
    });
  });
  app.post("/whatsapp/relink", async (c) => {
    if (o.status().state !== "stopped")
      return c.json({ error: "conflict", message: "WhatsApp is not stopped." }, 409);
    await o.relink();
    return c.json({ state: o.status().state }, 202);
  });
  return app;
}
