# Summary reference: n, mean, sd, median and quartiles as R's quantile(type = 7).
reference_dir <- dirname(sub("--file=", "", grep("--file=", commandArgs(FALSE), value = TRUE)))
source(file.path(reference_dir, "common.R"))
set.seed(21)
cases <- list(
  alliance_totals = round(rnorm(37, 44, 7)),
  # Prorated totals (not whole numbers), ties, and missing scores that are dropped.
  with_missing = c(41.4545454545, 38, 38, NA, 52, 60, 12, NA, 47.6363636364, 38, 29, 55.1),
  even = c(10, 3, 7, 4),
  two = c(27, 0),
  one = c(17),
  constant = rep(33, 6)
)
result <- lapply(cases, function(v) {
  x <- v[!is.na(v)]
  q <- quantile(x, c(0.25, 0.5, 0.75), type = 7, names = FALSE)
  list(values = v, expected = list(n = length(x), mean = mean(x), sd = num_or_null(sd(x)),
                                   median = q[2], q1 = q[1], q3 = q[3]))
})
write_reference(result, "describe")
