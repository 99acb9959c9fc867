import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type CloudHarness, cloudHarness, text } from "./cloud-harness.js";

const OWNER = "+15550000001";
const REP = "+15550000003";
type Sent = { type: string; to: string; text?: { body: string }; image?: { id: string; caption?: string } };

describe("charts delivered on WhatsApp (Cloud API)", () => {
  let h: CloudHarness;
  const sent = () => h.graph.messages() as unknown as Sent[];

  beforeAll(async () => {
    h = await cloudHarness();
  });
  afterAll(() => h.close());
  beforeEach(() => h.graph.reset());

  it("`cashflow on end of next month` sends the answer, then the fan chart as an uploaded image", async () => {
    await h.post(text(OWNER, "cashflow on end of next month"));
    const images = sent().filter((m) => m.type === "image");
    expect(images).toHaveLength(1);
    const upload = h.graph.uploads.get(images[0]!.image!.id)!;
    expect(upload.type).toBe("image/png");
    expect(upload.bytes.subarray(0, 8).toString("hex")).toBe("89504e470d0a1a0a");
    expect(upload.bytes.readUInt32BE(16)).toBe(640);
    expect(images[0]!.image!.caption).toMatch(/^Cash balance/);
    expect(sent().some((m) => m.type === "text" && /likely between/.test(m.text!.body))).toBe(true);
  });

  it("`forecast revenue 4` sends the forecast chart", async () => {
    await h.post(text(OWNER, "forecast revenue 4"));
    const images = sent().filter((m) => m.type === "image");
    expect(images).toHaveLength(1);
    expect(images[0]!.image!.caption).toMatch(/^Revenue: 4 weeks ahead/);
  });

  it("a rep asking for cash gets a refusal and no image, no upload", async () => {
    for (const line of ["cashflow", "forecast cash_balance 4"]) {
      await h.post(text(REP, line));
    }
    expect(sent().filter((m) => m.type === "image")).toHaveLength(0);
    expect(h.graph.calls.filter((c) => c.path.endsWith("/media"))).toHaveLength(0);
    expect(sent().every((m) => m.to === REP.slice(1))).toBe(true);
  });
});
