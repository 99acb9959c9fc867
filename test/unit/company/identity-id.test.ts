import { describe, expect, it } from "vitest";
import { IDENTITY_FORMATS, identityExternalId } from "../../../src/core/features/company/index.js";

describe("identityExternalId: one reading of a typed identity for link and unlink", () => {
  it("writes a WhatsApp number as E.164 without spaces, brackets or dashes", () => {
    const id = identityExternalId("whatsapp", " +1 (555) 123-4567 ");
    expect(id).toBe("+15551234567");
    expect(IDENTITY_FORMATS.whatsapp.re.test(id)).toBe(true);
  });

  it("trims and upper-cases a Slack user id", () => {
    const id = identityExternalId("slack", "  u012abcdef ");
    expect(id).toBe("U012ABCDEF");
    expect(IDENTITY_FORMATS.slack.re.test(id)).toBe(true);
  });

  it("only trims an id of another channel", () => {
    expect(identityExternalId("email", " Ann@Example.com ")).toBe("Ann@Example.com");
  });
});
