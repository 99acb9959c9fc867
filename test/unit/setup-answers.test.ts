import { PassThrough, Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import { askSetup } from "../../src/cli/setup.js";
import { plainText, readSetupAnswer } from "../../src/core/features/company/index.js";

/** The terminal wizard and the chat set-up read answers the same way (one reader). */
describe("reading set-up answers", () => {
  it.each([
    ["currency", "usd", true, "USD"],
    ["currency", " Eur ", true, "EUR"],
    ["currency", "dollars", false, "USD"],
    ["currency", "€", false, "EUR"],
    ["currency", "pounds sterling", false, "GBP"],
    ["currency", "XYZ", false, undefined],
    ["timezone", "Europe/Berlin", true, "Europe/Berlin"],
    ["timezone", "america/new_york", true, "America/New_York"],
    ["timezone", "America/Argentina/Buenos_Aires", true, "America/Buenos_Aires"],
    ["timezone", "Tokyo", true, "Asia/Tokyo"],
    ["timezone", "utc", true, "UTC"],
    ["timezone", "EST", false, undefined],
    ["timezone", "PST", false, undefined],
    ["pipeline", "1", true, "b2b-sales"],
    ["pipeline", "3.", true, "simple"],
    ["pipeline", "services", true, "services"],
    ["pipeline", "9", false, undefined],
    ["owner", "Ann@Harbor.Example", true, "ann@harbor.example"],
    ["owner", "<mailto:ann@harbor.example|ann@harbor.example>", true, "ann@harbor.example"],
    ["owner", "ann at harbor", false, undefined],
  ] as const)("%s %j → ok=%s", (field, raw, ok, value) => {
    const r = readSetupAnswer(field, raw);
    expect(r.ok).toBe(ok);
    if (r.ok) expect(r.value).toBe(value);
    else if (value) expect(r.suggestion).toBe(value);
  });

  it("strips Slack mentions, links and broadcast words from free text", () => {
    expect(plainText("<!channel> <https://x.example|Acme> Ltd <@U1> @everyone")).toBe("Acme Ltd");
    expect(plainText("Acme\u0000 \u202eLtd")).toBe("Acme Ltd");
    expect(plainText("*Sonne* _best_ bakery")).toBe("Sonne best bakery");
  });
});

describe("the terminal wizard (keel setup without flags)", () => {
  async function wizard(lines: string[]) {
    const out = new PassThrough();
    let printed = "";
    out.on("data", (b) => (printed += b));
    const input = Readable.from([`${lines.join("\n")}\n`]);
    const answers = await askSetup({}, input, out);
    return { answers, printed };
  }

  it("re-asks “dollars” with a suggestion that “yes” takes, and “EST” until a city comes", async () => {
    const { answers, printed } = await wizard([
      "Harbor Tools",
      "",
      "dollars",
      "yes",
      "EST",
      "Chicago",
      "ann@harbor.example",
      "",
      "2",
    ]);
    expect(printed).toContain("Did you mean USD?");
    expect(printed).toContain("abbreviation");
    expect(answers).toMatchObject({
      company: "Harbor Tools",
      slug: "harbor-tools",
      currency: "USD",
      timezone: "America/Chicago",
      owner: "ann@harbor.example",
      pipeline: "services",
    });
  });

  it("input that ends early creates nothing (undefined)", async () => {
    const { answers } = await wizard(["Harbor Tools", "harbor", "dollars"]);
    expect(answers).toBeUndefined();
  });
});
