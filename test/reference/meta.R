# Alliance–outcome reference: per-site r, Fisher z, vi = 1/(n − 3) and metafor::rma (DL, REML and FE).
reference_dir <- dirname(sub("--file=", "", grep("--file=", commandArgs(FALSE), value = TRUE)))
source(file.path(reference_dir, "common.R"))
suppressPackageStartupMessages(library(metafor))
z975 <- qnorm(0.975)

site_row <- function(x, y) {
  ok <- !is.na(x) & !is.na(y)
  n <- sum(ok)
  r <- cor(x[ok], y[ok])
  z <- atanh(r)
  vi <- 1 / (n - 3)
  se <- sqrt(vi)
  list(n = n, r = r, z = z, vi = vi, se = se, ci_lo = z - z975 * se, ci_hi = z + z975 * se,
       r_lo = tanh(z - z975 * se), r_hi = tanh(z + z975 * se), zval = z / se, pval = 2 * pnorm(-abs(z / se)))
}
pooled <- function(rows, method) {
  yi <- sapply(rows, `[[`, "z")
  vi <- sapply(rows, `[[`, "vi")
  fit <- rma(yi, vi, method = method, control = list(threshold = 1e-10))
  p <- predict(fit)
  list(k = fit$k, n = sum(sapply(rows, `[[`, "n")), z = as.numeric(fit$beta), vi = fit$se^2, se = fit$se,
       ci_lo = fit$ci.lb, ci_hi = fit$ci.ub, r = tanh(as.numeric(fit$beta)), r_lo = tanh(fit$ci.lb),
       r_hi = tanh(fit$ci.ub), zval = fit$zval, pval = fit$pval, tau2 = fit$tau2, i2 = fit$I2, q = fit$QE,
       q_p = fit$QEp, pi_lo = p$pi.lb, pi_hi = p$pi.ub)
}
simulate <- function(seed, sizes, rho, spread, missing = 0) {
  set.seed(seed)
  lapply(sizes, function(n) {
    rs <- max(-0.9, min(0.9, rho + rnorm(1, 0, spread)))
    x <- rnorm(n)
    y <- rs * x + sqrt(1 - rs^2) * rnorm(n)
    x <- round(44 + 6 * x, 3)
    y <- round(4 + 5 * y, 3)
    if (missing > 0) y[sample(n, floor(missing * n))] <- NA
    list(x = x, y = y)
  })
}
cases <- list(
  heterogeneous = simulate(51, c(40, 25, 60, 18, 33, 90, 12, 47), 0.28, 0.25),
  # Unbalanced sites, outcomes missing for some dyads, and a site of 3 that is not pooled.
  unbalanced_missing = c(simulate(52, c(150, 9, 22, 71, 6), 0.3, 0.05, missing = 0.15),
                         list(list(x = c(40, 45, 50), y = c(2, 7, 3)))),
  homogeneous = simulate(53, c(200, 210, 190, 205, 195), 0.28, 0),
  two_sites = simulate(54, c(30, 45), 0.3, 0.1)
)
result <- lapply(cases, function(sites) {
  rows <- lapply(sites, function(s) site_row(s$x, s$y))
  usable <- Filter(function(r) r$n >= 4, rows)
  list(sites = sites, expected = list(sites = rows, DL = pooled(usable, "DL"), REML = pooled(usable, "REML"), FE = pooled(usable, "FE")))
})
write_reference(result, "meta")
