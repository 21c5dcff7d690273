# Trajectory reference: per dyad lm(total ~ session) over sessions 1–5 with ≥ 3 totals; mean and sd.
reference_dir <- dirname(sub("--file=", "", grep("--file=", commandArgs(FALSE), value = TRUE)))
source(file.path(reference_dir, "common.R"))
set.seed(71)
simulate <- function(n, missing) {
  lapply(seq_len(n), function(i) {
    sessions <- seq_len(sample(2:9, 1))
    totals <- round(40 + rnorm(1, 0, 5) + rnorm(1, 0.8, 0.6) * sessions + rnorm(length(sessions), 0, 2), 1)
    totals[runif(length(totals)) < missing] <- NA
    list(sessions = sessions, totals = totals)
  })
}
summarise <- function(dyads) {
  slopes <- unlist(lapply(dyads, function(d) {
    keep <- d$sessions <= 5 & !is.na(d$totals)
    if (sum(keep) < 3) return(NULL)
    unname(coef(lm(d$totals[keep] ~ d$sessions[keep]))[2])
  }))
  list(n_dyads = length(slopes), mean_slope = mean(slopes), sd_slope = num_or_null(sd(slopes)))
}
cases <- list(complete = simulate(30, 0), unbalanced_missing = simulate(45, 0.2),
              single = list(list(sessions = c(1, 2, 4, 7), totals = c(40, 43, 47, 20))))
result <- lapply(cases, function(dyads) list(dyads = dyads, expected = summarise(dyads)))
write_reference(result, "trajectories")
