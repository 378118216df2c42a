# Reference results of the R package surveillance (1.20.3) for the Swift module OutbreakDetection.
#
# Two modes:
#
#   Rscript Scripts/surveillance_reference.R fixtures [DIR]
#       Writes the committed fixtures (default DIR: Tests/OutbreakDetectionTests/Fixtures next to this
#       script's repository): the input series (series/NAME.csv), the list of cases (manifest.tsv) and
#       R's results (results/CASE.csv). Series come from the package's data sets and from seeded
#       synthetic series.
#
#   Rscript Scripts/surveillance_reference.R run DIR
#       Reads DIR/manifest.tsv and DIR/series/*.csv, runs every case and writes DIR/results/CASE.csv.
#       The Swift live test uses this mode on freshly generated series.
#
# manifest.tsv (tab-separated): case, series, frequency, algorithm, params
#   algorithm: earsC | algo.farrington | farringtonFlexible
#   params:    "key=value;key=value" with R's control names; range=FROM:TO uses R's 1-based indices;
#              limit54=CASES,PERIOD.
# series/NAME.csv: count,population (population may be NA: no population)
# results/CASE.csv: one row per evaluated time point (index is R's 1-based index), numbers printed
#   with 17 significant digits; NA where R gives NA, NaN where R gives NaN; alarms and trend as 1/0/NA.

suppressPackageStartupMessages(library(surveillance))
stopifnot(packageVersion("surveillance") >= "1.20.3")

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

parseParams <- function(text) {
  out <- list()
  if (is.na(text) || text == "") return(out)
  for (pair in strsplit(text, ";", fixed = TRUE)[[1]]) {
    kv <- strsplit(pair, "=", fixed = TRUE)[[1]]
    key <- kv[1]; value <- kv[2]
    out[[key]] <- switch(key,
      method = , powertrans = , fitFun = , thresholdMethod = value,
      range = { ft <- as.integer(strsplit(value, ":", fixed = TRUE)[[1]]); ft[1]:ft[2] },
      limit54 = as.numeric(strsplit(value, ",", fixed = TRUE)[[1]]),
      reweight = , trend = , populationOffset = as.logical(value),
      as.numeric(value))
  }
  out
}

readSeries <- function(dir, name, frequency) {
  d <- read.csv(file.path(dir, "series", paste0(name, ".csv")))
  obs <- matrix(as.numeric(d$count), ncol = 1)
  if ("population" %in% names(d) && !all(is.na(d$population))) {
    sts(observed = obs, population = matrix(as.numeric(d$population), ncol = 1),
        start = c(2000, 1), frequency = frequency)
  } else {
    sts(observed = obs, start = c(2000, 1), frequency = frequency)
  }
}

runCase <- function(s, algorithm, control) {
  n <- nrow(observed(s))
  if (algorithm == "earsC") {
    r <- earsC(s, control = control)
    idx <- r@control$range
    data.frame(index = idx, upperbound = num(upperbound(r)[, 1]), alarm = lgl(alarms(r)[, 1]))
  } else if (algorithm == "algo.farrington") {
    r <- suppressWarnings({
      out <- NULL
      capture.output(out <- algo.farrington(sts2disProg(s), control = control))
      out
    })
    if (is.null(r)) stop("algo.farrington returned NULL (no convergence)")
    idx <- r$control$range
    data.frame(index = idx, upperbound = num(r$upperbound[, 1]), alarm = lgl(r$alarm[, 1]),
               trend = lgl(r$trend[, 1]), probability = num(r$control$pd[, 1]),
               median = num(r$control$pd[, 2]))
  } else if (algorithm == "farringtonFlexible") {
    control$glmWarnings <- FALSE
    r <- suppressWarnings(farringtonFlexible(s, control = control))
    idx <- if (is.null(control$range)) (n - nrow(observed(r)) + 1):n else control$range
    cc <- r@control
    data.frame(index = idx, upperbound = num(upperbound(r)[, 1]), alarm = lgl(alarms(r)[, 1]),
               expected = num(cc$expected[, 1]), score = num(cc$score[, 1]),
               pvalue = num(cc$pvalue[, 1]), trend = lgl(cc$trend[, 1]),
               phi = num(cc$phiVector[, 1]), trendCoefficient = num(cc$trendVector[, 1]),
               mu0 = num(cc$mu0Vector[, 1]))
  } else {
    stop("unknown algorithm ", algorithm)
  }
}

runAll <- function(dir) {
  manifest <- read.delim(file.path(dir, "manifest.tsv"), colClasses = "character")
  dir.create(file.path(dir, "results"), showWarnings = FALSE, recursive = TRUE)
  for (i in seq_len(nrow(manifest))) {
    m <- manifest[i, ]
    s <- readSeries(dir, m$series, as.numeric(m$frequency))
    res <- runCase(s, m$algorithm, parseParams(m$params))
    write.csv(res, file.path(dir, "results", paste0(m$case, ".csv")), row.names = FALSE, quote = FALSE)
  }
  invisible(nrow(manifest))
}

writeSeries <- function(dir, name, counts, population = NULL) {
  dir.create(file.path(dir, "series"), showWarnings = FALSE, recursive = TRUE)
  d <- data.frame(count = as.integer(counts),
                  population = if (is.null(population)) NA else num(population))
  write.csv(d, file.path(dir, "series", paste0(name, ".csv")), row.names = FALSE, quote = FALSE)
}

makeFixtures <- function(dir) {
  unlink(file.path(dir, c("series", "results", "manifest.tsv")), recursive = TRUE)
  dir.create(dir, showWarnings = FALSE, recursive = TRUE)

  # --- series from the package's data sets -------------------------------------------------------
  data("salmonella.agona", package = "surveillance")
  writeSeries(dir, "salmonella_agona", salmonella.agona$observed)            # 312 weeks
  data("salmNewport", package = "surveillance")
  writeSeries(dir, "salmNewport_total", rowSums(observed(salmNewport)))       # 528 weeks
  data("campyDE", package = "surveillance")
  writeSeries(dir, "campyDE", campyDE$case)                                   # 522 weeks
  data("measlesDE", package = "surveillance")
  writeSeries(dir, "measlesDE_total", rowSums(observed(measlesDE)))           # 156 weeks
  data("momo", package = "surveillance")
  writeSeries(dir, "momo_1to5", observed(momo)[, "[1,5)"], population(momo)[, "[1,5)"])      # 782 weeks
  writeSeries(dir, "momo_85plus", observed(momo)[, "[85,Inf)"], population(momo)[, "[85,Inf)"])

  # --- seeded synthetic series -------------------------------------------------------------------
  set.seed(20240601)
  t <- 1:364                                                       # 7 years of weeks
  mu <- exp(2.2 + 0.0015 * t + 0.6 * sin(2 * pi * t / 52) + 0.2 * cos(2 * pi * t / 52))
  y <- rpois(length(t), mu)
  y[c(300, 301, 302, 340, 355)] <- y[c(300, 301, 302, 340, 355)] + c(25, 40, 18, 30, 60)
  writeSeries(dir, "synth_poisson", y)

  mu <- exp(0.8 + 0.9 * sin(2 * pi * t / 52))
  y <- rnbinom(length(t), mu = mu, size = 1.5)
  y[c(290, 330, 331, 360)] <- y[c(290, 330, 331, 360)] + c(12, 15, 20, 9)
  writeSeries(dir, "synth_negbin", y)

  y <- rnbinom(length(t), mu = 0.35, size = 0.5)                   # mostly zeros
  y[c(320, 350)] <- y[c(320, 350)] + c(6, 4)
  writeSeries(dir, "synth_sparse", y)

  pop <- round(1e5 * (1 + 0.004 * t) * (1 + 0.02 * sin(2 * pi * t / 13)))
  mu <- pop / 1e5 * exp(1.5 + 0.5 * cos(2 * pi * t / 52))
  y <- rnbinom(length(t), mu = mu, size = 8)
  y[c(310, 345)] <- y[c(310, 345)] + c(20, 25)
  writeSeries(dir, "synth_population", y, pop)

  d <- 1:240                                                       # daily counts for EARS
  y <- rpois(length(d), exp(2 + 0.3 * sin(2 * pi * d / 7)))
  y[c(60, 61, 62, 150, 200)] <- y[c(60, 61, 62, 150, 200)] + c(15, 20, 25, 30, 12)
  y[100:115] <- 3                                                  # constant run: zero standard deviation
  writeSeries(dir, "synth_daily", y)

  # Degenerate series: almost all zeros (the fits run to fitted means near 0, huge standard errors,
  # `muan` means up to 1e303 or infinite) and a constant series (zero residuals).
  y <- rep(0L, 364)
  y[c(100, 200, 300, 330, 340, 341)] <- c(1L, 2L, 1L, 3L, 1L, 2L)
  writeSeries(dir, "edge_zeros", y)
  writeSeries(dir, "edge_constant", rep(4L, 364))

  # --- cases -------------------------------------------------------------------------------------
  cases <- list()
  add <- function(case, series, frequency, algorithm, params = "") {
    cases[[length(cases) + 1]] <<- data.frame(case = case, series = series, frequency = frequency,
                                               algorithm = algorithm, params = params)
  }
  for (m in c("C1", "C2", "C3")) {
    add(paste0("ears_", m, "_daily"), "synth_daily", 365, "earsC", paste0("method=", m))
    add(paste0("ears_", m, "_measles"), "measlesDE_total", 52, "earsC", paste0("method=", m))
    add(paste0("ears_", m, "_agona"), "salmonella_agona", 52, "earsC", paste0("method=", m))
    add(paste0("ears_", m, "_sparse"), "synth_sparse", 52, "earsC", paste0("method=", m))
  }
  add("ears_C1_daily_b10_minsigma", "synth_daily", 365, "earsC", "method=C1;baseline=10;minSigma=0.5;alpha=0.01")
  add("ears_C2_daily_alpha", "synth_daily", 365, "earsC", "method=C2;alpha=0.05;range=20:180")
  add("ears_C3_daily_alpha0001", "synth_daily", 365, "earsC", "method=C3;alpha=0.001")
  add("ears_C3_sparse_minsigma", "synth_sparse", 52, "earsC", "method=C3;minSigma=1;baseline=4")

  weekly <- c("salmonella_agona", "salmNewport_total", "campyDE", "synth_poisson",
              "synth_negbin", "synth_sparse", "synth_population", "momo_85plus")
  for (s in weekly) {
    add(paste0("farrington_", s), s, 52, "algo.farrington", "")
    add(paste0("flex_original_", s), s, 52, "farringtonFlexible", "weightsThreshold=1")
    add(paste0("flex_default_", s), s, 52, "farringtonFlexible", "")
    for (tm in c("delta", "nbPlugin", "muan")) {
      add(paste0("flex_noufaily_", tm, "_", s), s, 52, "farringtonFlexible",
          paste0("weightsThreshold=2.58;pastWeeksNotIncluded=26;noPeriods=10;pThresholdTrend=1;thresholdMethod=", tm))
    }
  }
  add("farrington_agona_half", "salmonella_agona", 52, "algo.farrington", "powertrans=1/2;alpha=0.01")
  add("farrington_agona_none", "salmonella_agona", 52, "algo.farrington", "powertrans=none;b=3;w=2")
  add("farrington_agona_noreweight", "salmonella_agona", 52, "algo.farrington", "reweight=FALSE;trend=FALSE;limit54=3,2")
  add("farrington_measles_b2", "measlesDE_total", 52, "algo.farrington", "b=2;w=2;range=108:156")
  add("farrington_poisson_fitGLM", "synth_poisson", 52, "algo.farrington", "fitFun=algo.farrington.fitGLM")
  add("farrington_population_offset", "synth_population", 52, "algo.farrington", "fitFun=algo.farrington.fitGLM.populationOffset")
  add("farrington_momo_offset", "momo_1to5", 52, "algo.farrington", "fitFun=algo.farrington.fitGLM.populationOffset;range=600:782")
  add("flex_population_offset", "synth_population", 52, "farringtonFlexible", "populationOffset=TRUE")
  add("flex_momo_offset_noufaily", "momo_1to5", 52, "farringtonFlexible",
      "populationOffset=TRUE;noPeriods=10;pastWeeksNotIncluded=26;pThresholdTrend=1;thresholdMethod=nbPlugin;range=600:782")
  add("flex_momo85_offset", "momo_85plus", 52, "farringtonFlexible", "populationOffset=TRUE;range=500:782")
  add("flex_agona_half_alpha01", "salmonella_agona", 52, "farringtonFlexible", "powertrans=1/2;alpha=0.01;limit54=3,2")
  add("flex_agona_none_b3", "salmonella_agona", 52, "farringtonFlexible", "powertrans=none;b=3;w=2;weightsThreshold=1")
  add("flex_agona_noreweight_notrend", "salmonella_agona", 52, "farringtonFlexible", "reweight=FALSE;trend=FALSE")
  add("flex_measles_b2", "measlesDE_total", 52, "farringtonFlexible", "b=2;w=2;noPeriods=4;pastWeeksNotIncluded=8")
  add("flex_newport_periods5_pw10", "salmNewport_total", 52, "farringtonFlexible", "noPeriods=5;pastWeeksNotIncluded=10;thresholdMethod=muan;alpha=0.01")
  add("flex_poisson_pw1", "synth_poisson", 52, "farringtonFlexible", "pastWeeksNotIncluded=1;weightsThreshold=1")

  for (s in c("edge_zeros", "edge_constant")) {
    add(paste0("ears_C1_", s), s, 52, "earsC", "method=C1")
    add(paste0("ears_C3_", s), s, 52, "earsC", "method=C3")
    add(paste0("farrington_", s), s, 52, "algo.farrington", "")
    add(paste0("flex_original_", s), s, 52, "farringtonFlexible", "weightsThreshold=1")
    for (tm in c("delta", "nbPlugin", "muan")) {
      add(paste0("flex_noufaily_", tm, "_", s), s, 52, "farringtonFlexible",
          paste0("pastWeeksNotIncluded=26;noPeriods=10;pThresholdTrend=1;thresholdMethod=", tm))
    }
  }

  manifest <- do.call(rbind, cases)
  write.table(manifest, file.path(dir, "manifest.tsv"), sep = "\t", row.names = FALSE, quote = FALSE)
  runAll(dir)
}

scriptDir <- function() {
  arg <- grep("^--file=", commandArgs(trailingOnly = FALSE), value = TRUE)
  if (length(arg) == 0) return(getwd())
  dirname(normalizePath(sub("^--file=", "", arg[1])))
}

args <- commandArgs(trailingOnly = TRUE)
mode <- if (length(args) >= 1) args[1] else "fixtures"
if (mode == "fixtures") {
  dir <- if (length(args) >= 2) args[2] else
    file.path(scriptDir(), "..", "Tests", "OutbreakDetectionTests", "Fixtures")
  n <- makeFixtures(normalizePath(dir, mustWork = FALSE))
  cat("wrote", n, "cases to", normalizePath(dir), "\n")
} else if (mode == "run") {
  if (length(args) < 2) stop("usage: surveillance_reference.R run DIR")
  n <- runAll(args[2])
  cat("ran", n, "cases in", args[2], "\n")
} else {
  stop("unknown mode ", mode, "; use 'fixtures [DIR]' or 'run DIR'")
}
