import { describe, expect, it } from "vitest";
import { forecastFeature } from "../../../src/core/features/forecast/index.js";
import { insightsFeature } from "../../../src/core/features/insights/index.js";

describe("intents about one metric share one chat gate", () => {
  it("forecast and why both need metrics.read and refuse with the same words", () => {
    const gate = { permission: "metrics.read", refusal: "Your role ({role}) cannot read metrics." };
    expect(forecastFeature.intents["forecast.metric"]).toMatchObject(gate);
    expect(insightsFeature.intents["insights.why"]).toMatchObject(gate);
  });
});
