import { describe, expect, it } from "vitest";
import { stripMarkdown } from "../../../src/bots/console/render.js";
import { renderEmail } from "../../../src/bots/email/render.js";
import { markdownToMrkdwn } from "../../../src/bots/slack/render/mrkdwn.js";
import { markdownToWhatsapp } from "../../../src/bots/whatsapp/format.js";
import { bold, code, markdownToPlain, parseMarkdown } from "../../../src/core/kernel/markdown/index.js";

const line = `Draft #3 — follow-up for ${bold("Smith & <Sons>")}. Type ${code("approve 3")}.`;

describe("core text: one Markdown, one renderer per channel", () => {
  it("renders a bold customer name as *x* on Slack and escapes <&>", () => {
    expect(markdownToMrkdwn(line)).toBe(
      "Draft #3 — follow-up for *Smith &amp; &lt;Sons&gt;*. Type `approve 3`.",
    );
  });

  it("renders the same name bold on WhatsApp (not italic, as `*x*` in core used to)", () => {
    expect(markdownToWhatsapp(line)).toBe("Draft #3 — follow-up for *Smith & <Sons>*. Type `approve 3`.");
    expect(markdownToWhatsapp(`${bold("Acme")} is up`)).toBe("*Acme* is up");
  });

  it("shows the console and e-mail the words without marks", () => {
    expect(stripMarkdown(line)).toBe("Draft #3 — follow-up for Smith & <Sons>. Type approve 3.");
    expect(markdownToPlain("## Cash\n- one\n[report](https://x.example/r)")).toBe(
      "Cash\n- one\nreport (https://x.example/r)",
    );
  });

  it("keeps a name full of Markdown markers literal in every channel", () => {
    const name = "A*B_C ~D~ [E](F)";
    const md = `Deal ${bold(name)} moved`;
    expect(markdownToPlain(md)).toBe(`Deal ${name} moved`);
    expect(markdownToWhatsapp(md)).toBe(`Deal *${name}* moved`);
    expect(markdownToMrkdwn(md)).toBe(`Deal *${name}* moved`);
  });

  it("cannot be tricked into a Slack ping or a masked link by a name", () => {
    const out = markdownToMrkdwn(`Hello ${bold("<!channel> <https://evil.example|bank>")}`);
    expect(out).not.toMatch(/<[!h]/);
    expect(out).toContain("&lt;!channel&gt;");
  });

  it("e-mails a draft with its subject once, in plain words", () => {
    const m = renderEmail({
      text: `${bold("Following up: Acme_Logistics")}\n\nHi ${bold("Acme")} team,`,
      subject: "Following up: Acme_Logistics",
    });
    expect(m.subject).toBe("Following up: Acme_Logistics");
    expect(m.text).toBe("Hi Acme team,");
  });

  it("parses line blocks: heading, bullet, quote, fence, rule", () => {
    expect(parseMarkdown("# T\n  - a\n> q\n```\n*x*\n```\n---").map((b) => b.type)).toEqual([
      "heading",
      "bullet",
      "quote",
      "code-block",
      "rule",
    ]);
  });

  it("leaves arithmetic and snake_case alone", () => {
    expect(markdownToWhatsapp("3 * 4 * 5 = 60 for usage_error_rate")).toBe(
      "3 * 4 * 5 = 60 for usage_error_rate",
    );
    expect(markdownToMrkdwn("3 * 4 * 5 = 60 for usage_error_rate")).toBe(
      "3 * 4 * 5 = 60 for usage_error_rate",
    );
  });
});
