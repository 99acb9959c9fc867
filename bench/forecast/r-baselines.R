# R baselines for bench/forecast/m3.ts: forecast::ets, thetaf and auto.arima on the same series.
# Usage: Rscript r-baselines.R INPUT.csv OUTPUT.csv HORIZON FREQUENCY [methods=ets,thetaf,auto.arima]
# INPUT has series_id,t,value,split (only split == "train" is used). OUTPUT: method,series_id,step,forecast,lo80,hi80,lo95,hi95,ms
suppressPackageStartupMessages(library(forecast))
args <- commandArgs(trailingOnly = TRUE)
input <- args[1]; output <- args[2]; h <- as.integer(args[3]); freq <- as.integer(args[4])
methods <- if (length(args) >= 5) strsplit(args[5], ",")[[1]] else c("ets", "thetaf", "auto.arima")
d <- read.csv(input, stringsAsFactors = FALSE)
d <- d[d$split == "train", ]
ids <- unique(d$series_id)
out <- file(output, "w")
writeLines("method,series_id,step,forecast,lo80,hi80,lo95,hi95,ms", out)
for (id in ids) {
  s <- d[d$series_id == id, ]
  y <- ts(s$value[order(s$t)], frequency = freq)
  for (meth in methods) {
    t0 <- proc.time()[["elapsed"]]
    fc <- tryCatch(switch(meth,
      ets = forecast(ets(y), h = h, level = c(80, 95)),
      thetaf = thetaf(y, h = h, level = c(80, 95)),
      auto.arima = forecast(auto.arima(y), h = h, level = c(80, 95))
    ), error = function(e) NULL)
    ms <- (proc.time()[["elapsed"]] - t0) * 1000
    if (is.null(fc)) next
    lines <- sprintf("%s,%s,%d,%.10g,%.10g,%.10g,%.10g,%.10g,%.3f", meth, id, seq_len(h), as.numeric(fc$mean),
      as.numeric(fc$lower[, 1]), as.numeric(fc$upper[, 1]), as.numeric(fc$lower[, 2]), as.numeric(fc$upper[, 2]), ms)
    writeLines(lines, out)
  }
  flush(out)
}
close(out)
