import { describe, expect, it } from "vitest";
import { cloudCapabilities } from "../../../src/bots/whatsapp/cloud/transport.js";
import { allowlist } from "../../../src/bots/whatsapp/config.js";
import { markdownToWhatsapp } from "../../../src/bots/whatsapp/format.js";
import { renderWhatsapp } from "../../../src/bots/whatsapp/render.js";
import { whatsappToIntent } from "../../../src/bots/whatsapp/to-intent.js";
import { webjsCapabilities } from "../../../src/bots/whatsapp/webjs/transport.js";
import { loadConfig } from "../../../src/config.js";
import type { Reply } from "../../../src/core/ports/reply.js";

describe("Markdown → WhatsApp formatting", () => {
  it.each([
    ["**Pipeline** is up", "*Pipeline* is up"],
    ["__bold__ and *italic* and _also_", "*bold* and _italic_ and _also_"],
    ["~~old~~ new", "~old~ new"],
    ["# Cash position", "*Cash position*"],
    ["* one\n+ two\n- three", "- one\n- two\n- three"],
    ["see [the report](https://x.example/r)", "see the report (https://x.example/r)"],
    ["`**not bold**` stays", "`**not bold**` stays"],
    ["```\n*raw*\n```", "```\n*raw*\n```"],
    ["3 * 4 * 5 = 60", "3 * 4 * 5 = 60"],
  ])("%j → %j", (md, wa) => expect(markdownToWhatsapp(md)).toBe(wa));
});

describe("rendering a Reply for WhatsApp", () => {
  const draft: Reply = {
    text: "Draft #7 — follow-up for **Acme**.",
    fields: [{ label: "Status", value: "drafted" }],
    actions: [
      { id: "approve", label: "Approve", intent: { kind: "draft.approve", draftRef: "7" } },
      { id: "edit", label: "Edit the text of the draft", intent: { kind: "draft.edit", draftRef: "7" } },
      { id: "reject", label: "Reject", intent: { kind: "draft.reject", draftRef: "7" } },
    ],
  };

  it("renders approval buttons as numbered options on whatsapp-web.js", () => {
    const r = renderWhatsapp(draft, webjsCapabilities, ["k1", "k2", "k3"]);
    expect(r.parts).toHaveLength(1);
    expect(r.parts[0]).toEqual({
      type: "text",
      text: "Draft #7 — follow-up for *Acme*.\n\n*Status:* drafted\n\nReply *1* to approve, *2* to edit the text of the draft or *3* to reject.",
    });
    expect(r.choices.map((c) => c.answer)).toEqual(["1", "2", "3"]);
  });

  it("renders reply buttons on the Cloud API with server-side ids and titles within 20 characters", () => {
    const r = renderWhatsapp(draft, cloudCapabilities, ["kA", "kB", "kC"]);
    const b = r.parts.at(-1)!;
    expect(b.type).toBe("buttons");
    if (b.type !== "buttons") return;
    expect(b.buttons).toEqual([
      { id: "kA", title: "Approve" },
      { id: "kB", title: "Edit the text of th…" },
      { id: "kC", title: "Reject" },
    ]);
    expect(r.warnings[0]).toMatch(/shortened/);
  });

  it("falls back to numbered options when there are more actions than buttons", () => {
    const many: Reply = {
      text: "Which deal?",
      actions: ["A", "B", "C", "D"].map((l) => ({
        id: l,
        label: l,
        intent: { kind: "deal.show", query: l },
      })),
    };
    const r = renderWhatsapp(many, cloudCapabilities, ["k1", "k2", "k3", "k4"]);
    expect(r.parts.every((p) => p.type === "text")).toBe(true);
    expect(r.warnings[0]).toMatch(/exceed 3 buttons/);
  });

  it("sends a chart as an image part first where the transport has media", () => {
    const r = renderWhatsapp(
      { text: "Forecast", image: { pngBase64: "AAA=", alt: "Revenue" } },
      cloudCapabilities,
    );
    expect(r.parts[0]).toEqual({ type: "image", pngBase64: "AAA=", caption: "Revenue" });
  });
});

describe("WhatsApp text → intent", () => {
  const menu = [
    { kind: "draft.approve" as const, draftRef: "d1" },
    { kind: "draft.edit" as const, draftRef: "d1" },
  ];
  it("maps a number to the offered action, and `approve 2` to a command", () => {
    expect(whatsappToIntent({ type: "text", text: " 1 " }, { menu })).toEqual(menu[0]);
    expect(whatsappToIntent({ type: "text", text: "approve 2" }, { menu })).toEqual({
      kind: "draft.approve",
      draftRef: "2",
    });
    expect(whatsappToIntent({ type: "text", text: "cashflow 90" }, { menu: [] })).toMatchObject({
      kind: "cashflow.forecast",
      horizonDays: 90,
    });
  });
  it("a number with no buttons offered goes to the core's conversation context; out of range explains", () => {
    expect(whatsappToIntent({ type: "text", text: "2" }, { menu: [] })).toEqual({
      kind: "coach.message",
      text: "2",
    });
    expect(whatsappToIntent({ type: "text", text: "5" }, { menu })).toMatchObject({ kind: "usage.error" });
  });
  it("after Edit the next text is the new body", () => {
    expect(whatsappToIntent({ type: "text", text: "New text" }, { menu, awaitingEditFor: "d1" })).toEqual({
      kind: "draft.edit",
      draftRef: "d1",
      body: "New text",
    });
  });
  it("free text goes to the coach", () => {
    expect(whatsappToIntent({ type: "text", text: "how is my business doing?" }, { menu: [] })).toEqual({
      kind: "coach.message",
      text: "how is my business doing?",
    });
  });
});

describe("WhatsApp config", () => {
  it("parses numbers in the allowlist with spaces and separators", () => {
    expect([
      ...allowlist(
        loadConfig({ WHATSAPP_ALLOWLIST: "+1 555 000 0001, 447700900123;+33 6 12 34 56 78" }).whatsapp,
      ),
    ]).toEqual(["+15550000001", "+447700900123", "+33612345678"]);
  });
  it("defaults the Graph API URL and refuses a bad transport", () => {
    expect(loadConfig({}).whatsapp.WHATSAPP_GRAPH_API_URL).toBe("https://graph.facebook.com/v21.0");
    expect(() => loadConfig({ WHATSAPP_TRANSPORT: "sms" }).whatsapp).toThrow(/WHATSAPP_TRANSPORT/);
  });
});
