# R side of the OutbreakDetection speed benchmark (docs/benchmarks.md, "Outbreak detection (issue 6)").
#
#   Rscript Benchmarks/outbreak_detection.R SERIES.csv OUT.csv [noufaily|original|both] [MAX_SERIES]
#
# Reads the series written by `outbreak-benchmark generate` (long format: series,region,disease,week,count),
# runs surveillance::farringtonFlexible on the last 52 weeks of every series (range = (n-51):n) with the
# same settings as the Swift side, and writes settings,series,index,upperbound,alarm (17 significant
# digits, NA as NA). The time is measured around the loop only: reading the CSV and building the sts
# objects come before the clock starts, formatting the results after it stops. One TIMING line per setting.
# MAX_SERIES (optional) runs only the first series, for a quick estimate.

suppressPackageStartupMessages(library(surveillance))
stopifnot(packageVersion("surveillance") >= "1.20.3")

args <- commandArgs(trailingOnly = TRUE)
if (length(args) < 2) stop("usage: outbreak_detection.R SERIES.csv OUT.csv [noufaily|original|both] [MAX_SERIES]")
settingsArg <- if (length(args) >= 3) args[3] else "both"
settingNames <- if (settingsArg == "both") c("noufaily", "original") else settingsArg
maxSeries <- if (length(args) >= 4) as.integer(args[4]) else NA

controlFor <- function(setting, n) {
  base <- list(range = (n - 51):n, b = 5, w = 3, alpha = 0.05, glmWarnings = FALSE)
  switch(setting,
    noufaily = c(base, list(noPeriods = 10, pastWeeksNotIncluded = 26, weightsThreshold = 2.58,
                            pThresholdTrend = 1, thresholdMethod = "nbPlugin")),
    original = c(base, list(noPeriods = 1, weightsThreshold = 1, pThresholdTrend = 0.05,
                            thresholdMethod = "delta")),
    stop("unknown setting ", setting))
}

num <- function(x) {
  out <- sprintf("%.17g", as.numeric(x))
  out[is.na(x) & !is.nan(x)] <- "NA"
  out[is.nan(x)] <- "NaN"
  out
}
lgl <- function(x) {
  out <- ifelse(as.logical(x), "1", "0")
  out[is.na(x)] <- "NA"
  out
}

# --- data loading (not timed) ----------------------------------------------------------------------
d <- read.csv(args[1], colClasses = c("character", "integer", "integer", "integer", "integer"))
names <- unique(d$series)
if (!is.na(maxSeries)) names <- head(names, maxSeries)
bySeries <- split(d$count, factor(d$series, levels = unique(d$series)))
stsList <- lapply(names, function(s) {
  sts(observed = matrix(as.numeric(bySeries[[s]]), ncol = 1), start = c(2000, 1), frequency = 52)
})
controls <- lapply(settingNames, function(setting) {
  lapply(stsList, function(s) controlFor(setting, nrow(observed(s))))
})
names(controls) <- settingNames

out <- list()
for (setting in settingNames) {
  ctl <- controls[[setting]]
  results <- vector("list", length(stsList))
  # --- the timed loop: one farringtonFlexible call per series, 52 evaluated weeks each -------------
  started <- proc.time()[["elapsed"]]
  for (i in seq_along(stsList)) {
    results[[i]] <- tryCatch(
      suppressWarnings(farringtonFlexible(stsList[[i]], control = ctl[[i]])),
      error = function(e) e)
  }
  seconds <- proc.time()[["elapsed"]] - started
  # --------------------------------------------------------------------------------------------------
  failures <- 0
  points <- 0
  for (i in seq_along(stsList)) {
    r <- results[[i]]
    if (inherits(r, "error")) {
      failures <- failures + 1
      message("failed: ", names[i], ": ", conditionMessage(r))
      next
    }
    idx <- ctl[[i]]$range
    points <- points + length(idx)
    out[[length(out) + 1]] <- data.frame(settings = setting, series = names[i], index = idx,
                                         upperbound = num(upperbound(r)[, 1]), alarm = lgl(alarms(r)[, 1]))
  }
  cat(sprintf("TIMING settings=%s seconds=%.4f series=%d points=%d failures=%d\n",
              setting, seconds, length(stsList), points, failures))
}
write.csv(do.call(rbind, out), args[2], row.names = FALSE, quote = FALSE)
