# ICC reference: REML variance components from lme4::lmer with a tightly converged bobyqa.
reference_dir <- dirname(sub("--file=", "", grep("--file=", commandArgs(FALSE), value = TRUE)))
source(file.path(reference_dir, "common.R"))
suppressPackageStartupMessages(library(lme4))
ctrl <- lmerControl(optimizer = "bobyqa", optCtrl = list(rhoend = 1e-12))

fit_components <- function(d) {
  out <- list()
  f1 <- lmer(y ~ 1 + (1 | therapist), data = d, REML = TRUE, control = ctrl)
  v1 <- as.data.frame(VarCorr(f1))
  out$therapist <- list(therapist = v1$vcov[v1$grp == "therapist"], residual = v1$vcov[v1$grp == "Residual"],
                        n_therapists = length(unique(d$therapist)))
  if (length(unique(d$site)) >= 2) {
    f2 <- lmer(y ~ 1 + (1 | site) + (1 | site:therapist), data = d, REML = TRUE, control = ctrl)
    v2 <- as.data.frame(VarCorr(f2))
    out$site_therapist <- list(site = v2$vcov[v2$grp == "site"], therapist = v2$vcov[v2$grp == "site:therapist"],
                               residual = v2$vcov[v2$grp == "Residual"],
                               n_therapists = length(unique(paste(d$site, d$therapist))))
  }
  out
}

simulate <- function(seed, sites, therapists_per_site, dyads, site_sd, ther_sd, res_sd) {
  set.seed(seed)
  rows <- list()
  for (s in seq_len(sites)) {
    a <- rnorm(1, 0, site_sd)
    nt <- therapists_per_site[(s - 1) %% length(therapists_per_site) + 1]
    for (t in seq_len(nt)) {
      b <- rnorm(1, 0, ther_sd)
      nd <- dyads(s, t)
      rows[[length(rows) + 1]] <- data.frame(site = sprintf("site-%02d", s), therapist = sprintf("T-%02d-%02d", s, t),
                                             y = 40 + a + b + rnorm(nd, 0, res_sd))
    }
  }
  do.call(rbind, rows)
}

cases <- list(
  balanced = simulate(11, 4, 5, function(s, t) 6, 1.5, 2.5, 6),
  # Unbalanced: 1 to 9 dyads per therapist, singletons included, sites of different sizes.
  unbalanced = simulate(12, 6, c(2, 7, 4, 1, 9, 3), function(s, t) ((s * 7 + t * 3) %% 9) + 1, 1, 2, 5),
  # No therapist effect in the data: the therapist component sits at the boundary 0.
  therapist_zero = simulate(13, 3, 4, function(s, t) 5, 0, 0, 5),
  # Sites far apart, therapists not: a large site share.
  site_large = simulate(14, 5, 3, function(s, t) 4 + t, 6, 1, 4),
  larger = simulate(15, 10, 8, function(s, t) 2 + ((s + t) %% 12), 1.2, 2.2, 7)
)
# Boundary: every therapist (and so every site) has the same mean, unbalanced: both components 0.
same <- list(c(38, 42, 45, 52), c(52, 45, 38, 42), c(42, 46.5), c(45, 38, 52, 42), c(46.5, 42), c(44.25))
cases$identical_means <- do.call(rbind, lapply(seq_along(same), function(i) data.frame(
  site = if (i <= 3) "site-01" else "site-02", therapist = sprintf("T-%02d", i), y = same[[i]])))
# Edge: a single site (only the therapist model is fitted).
cases$one_site <- cases$balanced[cases$balanced$site == "site-01", ]

result <- lapply(cases, function(d) list(
  site = d$site, therapist = d$therapist, y = d$y, expected = fit_components(d)
))
write_reference(result, "icc")
