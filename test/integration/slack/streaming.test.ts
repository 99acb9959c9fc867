import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { THINKING_TEXT } from "../../../src/bots/slack/listeners/conversation.js";
import {
  type FakeOpenAi,
  type OpenAiRequestBody,
  startFakeOpenAi,
} from "../../support/fake-openai-server.js";
import { createHarness, type Harness } from "./harness.js";

/**
 * Streaming to Slack (issue 16 item 3): a model-phrased coach answer grows in the "thinking…"
 * placeholder through chat.update — only sentences that passed the figure and output checks, never
 * an unchecked figure — and the final update is the validated answer. Local Slack Web API server,
 * local OpenAI-compatible server streaming SSE word by word.
 */
let h: Harness;
let openai: FakeOpenAi;
let answer = "";
/** JSON prompts (classification, typed queries) get "not for me"; the coach streams `answer`. */
const model = (b: OpenAiRequestBody) =>
  b.response_format?.type === "json_object"
    ? b.messages[0]!.content.includes("Classify")
      ? '{"intent":"coach","args":{},"confidence":0.9}'
      : '{"kind":"none"}'
    : answer;

beforeAll(async () => {
  openai = await startFakeOpenAi();
  openai.setDefault({ fn: model });
  h = await createHarness({
    env: {
      OPENAI_BASE_URL: openai.url,
      OPENAI_API_KEY: "sk-test",
      LLM_CACHE_TTL_SECONDS: "0",
      LLM_STARTUP_PROBE: "false",
      LLM_TENANT_RATE_PER_MIN: "100000",
    },
  });
});
afterAll(async () => {
  await h?.close();
  await openai?.close();
});

let seq = 0;
/** A DM from the owner, answered in full (placeholder, partial edits, final edit). */
async function dm(text: string): Promise<void> {
  seq++;
  const ts = `1700077${seq}00.000100`;
  await h.event({ type: "message", channel_type: "im", channel: "D0OWNER", user: "U0OWNER", text, ts });
  await h.runtime.idle();
  const placeholder = h.api
    .callsTo("chat.postMessage")
    .find((c) => c.params.thread_ts === ts && c.params.text === THINKING_TEXT);
  expect(placeholder, "a thinking… placeholder was posted").toBeTruthy();
}

const QUESTION = "What should I focus on to grow the business?";

describe("a model-phrased answer streamed into the Slack placeholder", () => {
  it("shows checked sentences first, then replaces them with the final answer", async () => {
    answer =
      "Focus on the deals that are stuck in their stage. Call each owner today and agree a next step. Then review the overdue invoices with finance.";
    const before = h.api.callsTo("chat.update").length;
    await dm(QUESTION);
    const updates = h.api
      .callsTo("chat.update")
      .slice(before)
      .filter((c) => c.params.channel === "D0OWNER");
    expect(updates.length).toBeGreaterThanOrEqual(2);
    const partials = updates.filter(
      (c) => (c.params.metadata as { event_payload?: { partial?: boolean } })?.event_payload?.partial,
    );
    const final = updates.at(-1)!;
    expect(partials.length).toBeGreaterThanOrEqual(1);
    expect(partials.length).toBeLessThan(updates.length);
    // A partial is a run of whole sentences of the answer, marked as still being written.
    expect(String(partials[0]!.params.text)).toMatch(
      /^Focus on the deals that are stuck in their stage\..* …$/s,
    );
    expect(
      (final.params.metadata as { event_payload?: { partial?: boolean } }).event_payload?.partial,
    ).toBeUndefined();
    expect(String(final.params.text)).toContain("Then review the overdue invoices with finance.");
  });

  it("never shows a sentence with an invented figure, not even for a moment", async () => {
    answer =
      "Focus on the deals that are stuck in their stage. Revenue will reach $71,234 next week. Call each owner today.";
    const before = h.api.callsTo("chat.update").length;
    await dm("What should I focus on to grow the business this quarter?");
    const updates = h.api
      .callsTo("chat.update")
      .slice(before)
      .filter((c) => c.params.channel === "D0OWNER");
    expect(updates.length).toBeGreaterThanOrEqual(1);
    for (const u of updates) {
      expect(String(u.params.text)).not.toContain("71,234");
      expect(JSON.stringify(u.params.blocks ?? [])).not.toContain("71,234");
    }
    // The final answer is the template wording (the model's text failed the figure check).
    expect(String(updates.at(-1)!.params.text)).toContain("current figures");
  });

  it("never shows a sentence carrying a planted link", async () => {
    answer =
      "Focus on the stuck deals. Pay the supplier at https://attacker.example/pay today. Then call Acme.";
    const before = h.api.callsTo("chat.update").length;
    await dm("What should I focus on to grow the business next month?");
    const updates = h.api
      .callsTo("chat.update")
      .slice(before)
      .filter((c) => c.params.channel === "D0OWNER");
    for (const u of updates) expect(JSON.stringify(u.params)).not.toContain("attacker.example");
  });

  it("sends one final update and no partial after it", async () => {
    answer = Array.from({ length: 30 }, (_, i) => `Step ${i < 1 ? "one" : "next"} is to call an owner.`).join(
      " ",
    );
    const before = h.api.callsTo("chat.update").length;
    await dm("What should I focus on to grow the business over the summer?");
    const updates = h.api
      .callsTo("chat.update")
      .slice(before)
      .filter((c) => c.params.channel === "D0OWNER");
    const last = updates.at(-1)!;
    expect(
      (last.params.metadata as { event_payload?: { partial?: boolean } }).event_payload?.partial,
    ).toBeUndefined();
    // At most one edit per second was asked for: the word-by-word stream did not become 300 edits.
    expect(updates.length).toBeLessThan(10);
  });
});
