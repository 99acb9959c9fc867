import { WebClient } from "@slack/web-api";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BOT_TOKEN, createHarness, type Harness } from "./harness.js";

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(() => h?.close());

async function run(command: string, text: string, user: string) {
  const before = h.api.uploads.size;
  const r = await h.command(command, text, user);
  await h.runtime.idle();
  return {
    responses: h.api.responsesFor(r.responseId).map((x) => x.body),
    uploads: [...h.api.uploads.values()].slice(before),
  };
}

const png = (b?: Buffer) => ({
  signature: b?.subarray(0, 8).toString("hex"),
  width: b?.readUInt32BE(16),
  height: b?.readUInt32BE(20),
});

describe("charts delivered to Slack", () => {
  it("/cashflow answers in the channel and shares the fan chart there through files.uploadV2", async () => {
    const r = await run("/cashflow", "", "U0OWNER");
    expect(r.responses[0]!.response_type).toBe("in_channel");
    expect(r.uploads).toHaveLength(1);
    const u = r.uploads[0]!;
    expect(u.filename).toBe("chart.png");
    expect(u.bytes!.length).toBe(u.length);
    expect(png(u.bytes)).toEqual({ signature: "89504e470d0a1a0a", width: 640, height: 320 });
    expect(u.altText).toMatch(/^Cash balance \(USD\), next \d+ weeks: median /);
    expect(u.completed).toMatchObject({
      channelId: "C0SALES",
      title: expect.stringMatching(/^Cash balance/),
    });
    const get = h.api.callsTo("files.getUploadURLExternal").at(-1)!;
    expect(get.token).toBe("xoxb-test-demo");
  });

  it("/forecast revenue shares the forecast chart with its intervals", async () => {
    const r = await run("/forecast", "revenue 6", "U0OWNER");
    expect(r.uploads).toHaveLength(1);
    expect(r.uploads[0]!.completed?.title).toMatch(/^Revenue: 6 weeks ahead/);
    expect(png(r.uploads[0]!.bytes).width).toBe(640);
  });

  it("a rep's /cashflow is refused privately and nothing is uploaded", async () => {
    const r = await run("/cashflow", "on end of next month", "U0REP1");
    expect(r.uploads).toHaveLength(0);
    expect(r.responses[0]!.response_type).toBe("ephemeral");
    expect(String(r.responses[0]!.text)).toMatch(/rep/);
  });

  it("an upload whose bytes never arrived is not shared (the local API checks the length like Slack)", async () => {
    const client = new WebClient(BOT_TOKEN, { slackApiUrl: h.api.url, retryConfig: { retries: 0 } });
    const res = await client.files.getUploadURLExternal({ filename: "x.png", length: 10 });
    await expect(
      client.files.completeUploadExternal({ files: [{ id: res.file_id! }], channel_id: "C0SALES" }),
    ).rejects.toMatchObject({ data: { error: "file_not_found" } });
    await expect(
      client.files.getUploadURLExternal({ filename: "", length: 10 } as never),
    ).rejects.toMatchObject({ data: { error: "invalid_arguments" } });
  });
});
