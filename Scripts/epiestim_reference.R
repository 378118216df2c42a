# Reference values for the reproduction-number estimator (Tests/PandemicRegimeTests) from EpiEstim
# (Debian r-cran-epiestim). Usage:
#   Rscript Scripts/epiestim_reference.R out.csv [seed days mean_si std_si]
# Without a seed it writes the committed fixture: three fixed series. Columns: series,day,cases,t_end,mean,std,q025,median,q975
suppressMessages(library(EpiEstim))
args <- commandArgs(trailingOnly = TRUE)
out <- if (length(args) >= 1) args[1] else "Tests/PandemicRegimeTests/Fixtures/epiestim.csv"
series <- list()
si <- list()
if (length(args) >= 2) {
  set.seed(as.integer(args[2]))
  days <- as.integer(args[3])
  growth <- c(seq(0.12, -0.05, length.out = days))
  lambda <- 5 * exp(cumsum(growth))
  series[["random"]] <- rpois(days, lambda)
  si[["random"]] <- c(as.numeric(args[4]), as.numeric(args[5]))
} else {
  data("Flu2009")
  series[["flu2009"]] <- Flu2009$incidence$I
  si[["flu2009"]] <- c(2.6, 1.5)
  set.seed(1)
  series[["growth_then_decline"]] <- rpois(60, 3 * exp(c(seq(0, 2.5, length.out = 30), seq(2.5, 1, length.out = 30))))
  si[["growth_then_decline"]] <- c(4.7, 2.9)
  series[["sparse"]] <- c(0, 1, 0, 0, 2, 0, 1, 0, 0, 0, 3, 1, 0, 0, 0, 2, 0, 0, 1, 0)
  si[["sparse"]] <- c(4.7, 2.9)
}
rows <- list()
for (name in names(series)) {
  I <- series[[name]]
  res <- suppressWarnings(estimate_R(I, method = "parametric_si",
    config = make_config(list(mean_si = si[[name]][1], std_si = si[[name]][2]))))
  R <- res$R
  for (d in seq_along(I)) {
    k <- which(R$t_end == d)
    if (length(k) == 1) {
      rows[[length(rows) + 1]] <- data.frame(series = name, day = d - 1, cases = I[d], t_end = d,
        mean = R[k, "Mean(R)"], std = R[k, "Std(R)"], q025 = R[k, "Quantile.0.025(R)"],
        median = R[k, "Median(R)"], q975 = R[k, "Quantile.0.975(R)"], mean_si = si[[name]][1], std_si = si[[name]][2])
    } else {
      rows[[length(rows) + 1]] <- data.frame(series = name, day = d - 1, cases = I[d], t_end = NA,
        mean = NA, std = NA, q025 = NA, median = NA, q975 = NA, mean_si = si[[name]][1], std_si = si[[name]][2])
    }
  }
}
df <- do.call(rbind, rows)
for (col in c("mean", "std", "q025", "median", "q975")) df[[col]] <- ifelse(is.na(df[[col]]), "NA", sprintf("%.17g", df[[col]]))
write.csv(df, out, row.names = FALSE, quote = FALSE)
