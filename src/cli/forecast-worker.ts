/**
 * Worker thread for `keel forecast`: forecasts the series it is sent, one message at a time. Runs
 * under tsx (spawned with `--import tsx`). The ARIMA core's stdout chatter is already captured inside
 * the forecaster, so nothing reaches the parent's JSON output.
 */
import { parentPort } from "node:worker_threads";
import { forecast } from "../core/features/forecast/index.js";
import type { ForecastJob, ForecastReply } from "./forecast.js";

parentPort?.on("message", async (job: ForecastJob) => {
  let reply: ForecastReply;
  try {
    reply = { index: job.index, result: await forecast(job.values, job.opts) };
  } catch (e) {
    reply = { index: job.index, result: { ok: false, reason: `internal error: ${(e as Error).message}` } };
  }
  parentPort?.postMessage(reply);
});
