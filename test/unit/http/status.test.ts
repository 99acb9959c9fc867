import { describe, expect, it } from "vitest";
import { statusOf } from "../../../src/http/status.js";

describe("AppError code → HTTP status (plain routes and the REST API)", () => {
  it("maps each code to the status both edges answered with", () => {
    expect(
      Object.fromEntries(
        [
          "bad_input",
          "forbidden",
          "not_found",
          "conflict",
          "rate_limited",
          "budget_exceeded",
          "provider_error",
          "timeout",
          "db_unreachable",
          "config_invalid",
          "internal",
        ].map((code) => [code, statusOf(code)]),
      ),
    ).toEqual({
      bad_input: 400,
      forbidden: 403,
      not_found: 404,
      conflict: 409,
      rate_limited: 429,
      budget_exceeded: 429,
      provider_error: 502,
      timeout: 504,
      db_unreachable: 503,
      config_invalid: 500,
      internal: 500,
    });
  });

  it("answers 500 for a code it does not know", () => {
    expect(statusOf("something_new")).toBe(500);
  });
});
