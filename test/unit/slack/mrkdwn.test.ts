import { describe, expect, it } from "vitest";
import { escapeMrkdwn, markdownToMrkdwn } from "../../../src/bots/slack/render/mrkdwn.js";

describe("Markdown → mrkdwn", () => {
  it("converts emphasis, headings, lists, strike and quotes", () => {
    expect(markdownToMrkdwn("**Revenue** is *up*")).toBe("*Revenue* is _up_");
    expect(markdownToMrkdwn("## Next steps")).toBe("*Next steps*");
    expect(markdownToMrkdwn("- one\n* two\n  + three")).toBe("• one\n• two\n  • three");
    expect(markdownToMrkdwn("~~old~~ new")).toBe("~old~ new");
    expect(markdownToMrkdwn("> quoted")).toBe("> quoted");
    expect(markdownToMrkdwn("__bold__ and _it_")).toBe("*bold* and _it_");
  });

  it("keeps code verbatim but escaped", () => {
    expect(markdownToMrkdwn("use `a<b>` here")).toBe("use `a&lt;b&gt;` here");
    expect(markdownToMrkdwn("```\nif (a < b && c) **x**\n```")).toBe(
      "```\nif (a &lt; b &amp;&amp; c) **x**\n```",
    );
  });

  it("escapes broadcast mentions, user/channel links and masked links from model or user text", () => {
    const out = markdownToMrkdwn(
      "Hey <!channel> <!here> <@U123> <#C999> see <https://evil.example|bank.com>",
    );
    expect(out).not.toMatch(/<[!@#]/);
    expect(out).not.toContain("<https://evil.example|");
    expect(out).toContain("&lt;!channel&gt;");
    expect(out).toContain("&lt;@U123&gt;");
  });

  it("shows the real address of Markdown links instead of a masked link", () => {
    expect(markdownToMrkdwn("[bank.com](https://evil.example/login?a=1&b=2)")).toBe(
      "bank.com (<https://evil.example/login?a=1&amp;b=2>)",
    );
    expect(markdownToMrkdwn("[https://ex.com](https://ex.com)")).toBe("<https://ex.com>");
    expect(markdownToMrkdwn("[click](javascript:alert(1))")).not.toContain("<javascript");
    expect(markdownToMrkdwn("[x](https://a.example|<!channel>)")).not.toContain("<!channel>");
  });

  it("escapes & < > once", () => {
    expect(escapeMrkdwn("a & b < c > d")).toBe("a &amp; b &lt; c &gt; d");
    expect(markdownToMrkdwn("Smith & Sons")).toBe("Smith &amp; Sons");
  });
});
