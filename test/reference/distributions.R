# Distribution functions reference: lgamma, pbeta, qbeta, qf, pnorm, qnorm, pchisq from base R.
reference_dir <- dirname(sub("--file=", "", grep("--file=", commandArgs(FALSE), value = TRUE)))
source(file.path(reference_dir, "common.R"))
grid <- expand.grid(p = c(0.025, 0.5, 0.975), df1 = c(1, 4, 59, 9999), df2 = c(3, 44, 649, 109989))
result <- list(
  lgamma = lapply(c(0.1, 0.5, 1, 3.5, 10, 171.3, 1e4 + 0.25), function(x) list(x = x, expected = lgamma(x))),
  pbeta = lapply(list(c(0.3, 2.5, 4.2), c(0.01, 0.5, 0.5), c(0.9, 30, 2), c(0.5, 500, 480)),
                 function(a) list(x = a[1], a = a[2], b = a[3], expected = pbeta(a[1], a[2], a[3]))),
  qf = lapply(seq_len(nrow(grid)), function(i) with(grid[i, ], list(p = p, df1 = df1, df2 = df2, expected = qf(p, df1, df2)))),
  pnorm = lapply(c(-8, -3, -1.5, 0, 0.3, 2, 6), function(x) list(x = x, expected = pnorm(x))),
  qnorm = lapply(c(1e-10, 0.001, 0.025, 0.3, 0.5, 0.975, 0.999999), function(p) list(p = p, expected = qnorm(p))),
  pchisq_upper = lapply(list(c(3.84, 1), c(12.5, 7), c(0.2, 2), c(150, 99), c(40, 3)),
                        function(a) list(q = a[1], df = a[2], expected = pchisq(a[1], a[2], lower.tail = FALSE)))
)
write_reference(result, "distributions")
