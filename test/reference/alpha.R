# Reliability reference: psych::alpha(x, delete = FALSE) raw_alpha and psych::alpha.ci (Feldt).
reference_dir <- dirname(sub("--file=", "", grep("--file=", commandArgs(FALSE), value = TRUE)))
source(file.path(reference_dir, "common.R"))
suppressPackageStartupMessages(library(psych))
set.seed(31)
items_from_factor <- function(n, k, loading, min, max) {
  f <- rnorm(n)
  m <- sapply(seq_len(k), function(j) loading * f + rnorm(n, 0, 1))
  pmin(pmax(round((min + max) / 2 + m), min), max)
}
wai <- items_from_factor(80, 12, 0.9, 1, 5)
subscale <- items_from_factor(45, 4, 1.2, 1, 5)
# Skipped items: a dyad whose first administration is incomplete is left out.
subscale[cbind(c(3, 9, 9, 20, 31), c(1, 2, 4, 3, 1))] <- NA
phq <- items_from_factor(6, 9, 0.7, 0, 3)
noise <- matrix(c(1, 5, 3, 2, 4, 2, 5, 1, 3, 3, 4, 1, 2, 5, 2, 4, 1, 5, 3, 3, 2, 4, 4, 1), ncol = 3)
cases <- list(wai12 = wai, subscale_with_missing = subscale, phq_small = phq, uncorrelated = noise)
result <- lapply(cases, function(x) {
  complete <- x[complete.cases(x), , drop = FALSE]
  a <- suppressWarnings(psych::alpha(complete, delete = FALSE, warnings = FALSE, check.keys = FALSE))$total$raw_alpha
  ci <- psych::alpha.ci(a, nrow(complete), ncol(complete))
  list(rows = x, expected = list(n = nrow(complete), items = ncol(complete), alpha = a,
                                 alpha_lo = ci$lower.ci, alpha_hi = ci$upper.ci))
})
write_reference(result, "alpha")
