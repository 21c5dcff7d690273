# tandem plan reference: power of one site's correlation test, pwr::pwr.r.test(n, r) at α = .05
# (two-sided), for the one-site plans of analysis/plan/plan.test.ts. n runs over every whole
# number of analysed dyads such a plan can average, so the test interpolates at its n_analysed.
reference_dir <- dirname(sub("--file=", "", grep("--file=", commandArgs(FALSE), value = TRUE)))
source(file.path(reference_dir, "common.R"))
suppressPackageStartupMessages(library(pwr))
cases <- lapply(c(0.2, 0.3, 0.4), function(r) {
  n <- 10:120
  list(r = r, n = n, power = sapply(n, function(k) pwr.r.test(n = k, r = r, sig.level = 0.05)$power))
})
write_reference(list(sig_level = 0.05, cases = cases), "plan-pwr")
