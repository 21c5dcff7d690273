# Moderator reference: Hedges g with the exact correction, vi and CI from metafor::escalc("SMD").
reference_dir <- dirname(sub("--file=", "", grep("--file=", commandArgs(FALSE), value = TRUE)))
source(file.path(reference_dir, "common.R"))
suppressPackageStartupMessages(library(metafor))
set.seed(61)
cases <- list(
  modality = list(level = round(rnorm(25, 45, 6), 2), reference = round(rnorm(40, 43, 7), 2)),
  # Few interpreter dyads against many.
  interpreter = list(level = c(38, 41.5, 36, 44, 39, 40), reference = round(rnorm(57, 44, 6), 1)),
  negative = list(level = c(30, 32, 35, 31), reference = c(40, 38, 45))
)
result <- lapply(cases, function(c) {
  e <- escalc(measure = "SMD", m1i = mean(c$level), sd1i = sd(c$level), n1i = length(c$level),
              m2i = mean(c$reference), sd2i = sd(c$reference), n2i = length(c$reference))
  s <- summary(e)
  list(level = c$level, reference = c$reference,
       expected = list(hedges_g = e$yi[1], g_vi = e$vi[1], g_lo = s$ci.lb[1], g_hi = s$ci.ub[1]))
})
write_reference(result, "moderators")
