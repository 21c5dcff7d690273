# Therapist wellbeing reference: r over therapists of mean exhaustion vs mean of dyad mean alliance.
reference_dir <- dirname(sub("--file=", "", grep("--file=", commandArgs(FALSE), value = TRUE)))
source(file.path(reference_dir, "common.R"))
set.seed(91)
simulate <- function(n, missing) {
  lapply(seq_len(n), function(i) {
    burnout <- rnorm(1)
    exhaustion <- round(9 + 2 * burnout + rnorm(sample(0:4, 1), 0, 1.5), 2)
    exhaustion[runif(length(exhaustion)) < missing] <- NA
    dyads <- lapply(seq_len(sample(0:5, 1)), function(j) {
      x <- round(45 - 1.5 * burnout + rnorm(1, 0, 4) + rnorm(sample(1:6, 1), 0, 3), 1)
      x[runif(length(x)) < missing] <- NA
      x
    })
    list(exhaustion = exhaustion, dyads = dyads)
  })
}
summarise <- function(ts) {
  pairs <- Filter(Negate(is.null), lapply(ts, function(t) {
    e <- t$exhaustion[!is.na(t$exhaustion)]
    m <- unlist(lapply(t$dyads, function(d) if (all(is.na(d))) NULL else mean(d, na.rm = TRUE)))
    if (length(e) == 0 || length(m) == 0) NULL else c(mean(e), mean(m))
  }))
  m <- do.call(rbind, pairs)
  list(n_therapists = nrow(m), r = cor(m[, 1], m[, 2]))
}
cases <- list(complete = simulate(25, 0), unbalanced_missing = simulate(40, 0.2))
result <- lapply(cases, function(ts) list(therapists = ts, expected = summarise(ts)))
write_reference(result, "wellbeing")
