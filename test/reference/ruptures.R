# Rupture reference: the DESIGN §9 definition written out in R, independently of the TypeScript.
reference_dir <- dirname(sub("--file=", "", grep("--file=", commandArgs(FALSE), value = TRUE)))
source(file.path(reference_dir, "common.R"))
set.seed(81)
count <- function(x, c) rupture_counts(x[!is.na(x)], c)
summarise <- function(dyads, c) {
  per <- Filter(Negate(is.null), lapply(dyads, count, c = c))
  m <- if (length(per) > 0) do.call(rbind, per) else matrix(0, 0, 3, dimnames = list(NULL, c("ruptures", "followed", "repaired")))
  list(n_dyads = nrow(m), n_dyads_rupture = sum(m[, "ruptures"] > 0),
       rupture_rate = if (nrow(m) > 0) sum(m[, "ruptures"] > 0) / nrow(m) else NULL,
       n_ruptures = sum(m[, "ruptures"]), n_repaired = sum(m[, "repaired"]),
       repair_rate = if (sum(m[, "followed"]) > 0) sum(m[, "repaired"]) / sum(m[, "followed"]) else NULL)
}
simulate <- function(n, missing) {
  lapply(seq_len(n), function(i) {
    k <- sample(3:12, 1)
    x <- round(44 + cumsum(rnorm(k, 0.3, 2.5)))
    if (runif(1) < 0.4) { t <- sample(2:k, 1); x[t] <- x[t] - sample(6:12, 1) }
    x[runif(k) < missing] <- NA
    x
  })
}
cases <- list(
  drifting = simulate(40, 0),
  unbalanced_missing = simulate(60, 0.15),
  # Hand-made: a flat dyad (s = 0), a rupture at the end (not followed), a repair two steps later.
  edges = list(c(40, 40, 40, 40), c(50, 52, 51, 53, 30), c(50, 40, 45, 50, 52), c(44, NA, 30, 31))
)
result <- lapply(cases, function(d) list(dyads = d, expected = list(`1sd` = summarise(d, 1), `2sd` = summarise(d, 2))))
write_reference(result, "ruptures")
