# Whole-release reference: every open-tier file of a release, computed in R from the raw export in
# test/fixtures/release-reference/ (a `tandem demo-data --sites 5 --dyads 100 --seed 11` study),
# straight from DESIGN §8–§9 and independently of the TypeScript: scoring, grouping, statistics,
# small-cell suppression (k from study.json) and row order. Writes release.json: per file, the rows
# in release order with the CSV's columns (NA where the cell is empty).
reference_dir <- dirname(sub("--file=", "", grep("--file=", commandArgs(FALSE), value = TRUE)))
source(file.path(reference_dir, "common.R"))
suppressPackageStartupMessages({
  library(psych)
  library(lme4)
  library(metafor)
})
raw <- file.path(reference_dir, "..", "fixtures", "release-reference")
study <- fromJSON(file.path(raw, "study.json"), simplifyVector = FALSE)
k_min <- study$suppressionK
z975 <- qnorm(0.975)
read_lines <- function(name) lapply(readLines(file.path(raw, name), encoding = "UTF-8"), fromJSON, simplifyVector = FALSE)
dyads <- do.call(rbind, lapply(read_lines("dyads.jsonl"), function(d) data.frame(
  dyad = d$dyadId, site = d$siteId, therapist = d$therapistId, modality = d$modality,
  interpreter = d$interpreter, status = d$status, stringsAsFactors = FALSE)))
withdrawn <- dyads$dyad[dyads$status == "withdrawn"]
sites <- sort(sapply(study$sites, `[[`, "siteId"), method = "radix")

# Built-in instruments (DESIGN §4): items, scale range, scales (item numbers), reverse items.
wai <- list(min = 1, max = 5, items = 12, reverse = integer(0),
            scales = list(task = c(1, 2, 10, 12), bond = c(3, 5, 7, 9), goal = c(4, 6, 8, 11), total = 1:12))
instruments <- list(
  `alliance-client` = wai, `alliance-therapist` = wai, `alliance-interpreter` = wai,
  `session-rating` = list(min = 0, max = 10, items = 4, reverse = integer(0), scales = list(total = 1:4)),
  phq9 = list(min = 0, max = 3, items = 9, reverse = integer(0), scales = list(total = 1:9)),
  gad7 = list(min = 0, max = 3, items = 7, reverse = integer(0), scales = list(total = 1:7)),
  `therapist-wellbeing` = list(min = 1, max = 5, items = 6, reverse = c(5, 6),
                               scales = list(exhaustion = 1:3, `self-care` = 4:6))
)

# Responses: one row per response with its keyed answers (NA when skipped). The first response to
# a natural key is kept; responses of withdrawn dyads are never read.
responses <- read_lines("responses.jsonl")
keyed <- list()
meta <- do.call(rbind, lapply(seq_along(responses), function(i) {
  r <- responses[[i]]
  def <- instruments[[r$instrument]]
  x <- rep(NA_real_, def$items)
  for (name in names(r$answers)) {
    v <- r$answers[[name]]
    if (!is.null(v)) x[as.integer(sub("i", "", name))] <- v
  }
  x[def$reverse] <- def$min + def$max - x[def$reverse]
  keyed[[i]] <<- x
  data.frame(i = i, site = r$siteId, therapist = r$therapistId,
             dyad = if (is.null(r$dyadId)) NA_character_ else r$dyadId,
             role = r$role, session = r$session, instrument = r$instrument, stringsAsFactors = FALSE)
}))
meta$owner <- ifelse(is.na(meta$dyad), paste0("T:", meta$therapist), paste0("D:", meta$dyad))
meta <- meta[!duplicated(meta[, c("owner", "role", "session", "instrument")]), ]
meta <- meta[is.na(meta$dyad) | !(meta$dyad %in% withdrawn), ]

# A scale score: sum of keyed items; prorated (mean × items) when at least 75% are answered.
score <- function(x, items) {
  v <- x[items]
  answered <- sum(!is.na(v))
  if (answered == 0 || answered < 0.75 * length(items)) return(NA_real_)
  mean(v, na.rm = TRUE) * length(items)
}
scores <- do.call(rbind, lapply(seq_len(nrow(meta)), function(j) {
  m <- meta[j, ]
  def <- instruments[[m$instrument]]
  do.call(rbind, lapply(names(def$scales), function(s) cbind(m, scale = s, value = score(keyed[[m$i]], def$scales[[s]]))))
}))
scores <- scores[!is.na(scores$value), ]

# Suppression (DESIGN §8): a row with 1 ≤ units < k is suppressed; with `complementary`, among the
# site rows sharing every other key, while the suppressed ones together hold 1 … k − 1 units the
# unsuppressed site row with the fewest units (ties by site id) is suppressed too.
suppress <- function(rows, units, keys, keep = character(0), complementary = FALSE) {
  hidden <- units >= 1 & units < k_min
  if (complementary) {
    others <- setdiff(keys, "site")
    is_site <- !is.na(rows$site) & rows$site != "ALL"
    group <- if (length(others) == 0) rep("", nrow(rows)) else do.call(paste, c(rows[others], sep = "\r"))
    for (g in unique(group[is_site])) {
      members <- which(is_site & group == g)
      repeat {
        held <- sum(units[members][hidden[members]])
        open <- members[!hidden[members]]
        if (!(held > 0 && held < k_min) || length(open) == 0) break
        open <- open[order(units[open], rows$site[open], method = "radix")]
        hidden[open[1]] <- TRUE
      }
    }
  }
  blank <- setdiff(names(rows), c(keys, keep))
  rows[hidden, blank] <- NA
  rows$suppressed <- hidden
  rows
}

# Release order: key columns ascending, levels in their order, ALL after the sites, missing first.
site_rank <- function(s) ifelse(is.na(s), -1, ifelse(s == "ALL", length(sites), match(s, sites) - 1))
role_rank <- function(r) match(r, c("client", "therapist", "interpreter"))
release_order <- function(rows, keys) {
  cols <- lapply(keys, function(k) {
    v <- rows[[k]]
    switch(k, site = site_rank(v), role = role_rank(v), v)
  })
  rows[do.call(order, c(cols, method = "radix")), , drop = FALSE]
}
per_site <- function(build) {
  out <- list()
  for (s in c(sites, "ALL")) {
    row <- build(if (s == "ALL") sites else s)
    if (!is.null(row)) out[[length(out) + 1]] <- cbind(site = s, row, stringsAsFactors = FALSE)
  }
  do.call(rbind, out)
}

# site_session_summary
summary_rows <- function(d) {
  q <- quantile(d$value, c(0.5, 0.25, 0.75), type = 7, names = FALSE)
  data.frame(n = nrow(d), mean = mean(d$value), sd = if (nrow(d) > 1) sd(d$value) else NA,
             median = q[1], q1 = q[2], q3 = q[3])
}
summary_keys <- c("session", "role", "instrument", "scale")
sss <- rbind(
  do.call(rbind, lapply(split(scores, scores[, c("site", summary_keys)], drop = TRUE), function(d)
    cbind(d[1, c("site", summary_keys)], summary_rows(d)))),
  do.call(rbind, lapply(split(scores, scores[, summary_keys], drop = TRUE), function(d)
    cbind(site = "ALL", d[1, summary_keys], summary_rows(d)))))
rownames(sss) <- NULL
sss <- release_order(suppress(sss, sss$n, c("site", summary_keys), complementary = TRUE),
                     c("site", "session", "role", "instrument", "scale"))

# reliability: each owner's first administration (lowest session), complete on the scale's items.
first <- meta[order(meta$owner, meta$role, meta$instrument, meta$session, method = "radix"), ]
first <- first[!duplicated(first[, c("owner", "role", "instrument")]), ]
reliability <- list()
for (instrument in sort(unique(first$instrument), method = "radix")) {
  def <- instruments[[instrument]]
  for (role in unique(first$role[first$instrument == instrument])) {
    f <- first[first$instrument == instrument & first$role == role, ]
    for (s in names(def$scales)) {
      items <- def$scales[[s]]
      if (length(items) < 2) next
      x <- do.call(rbind, lapply(f$i, function(i) keyed[[i]][items]))
      site_of <- f$site
      ok <- complete.cases(x)
      for (site in c(sites, "ALL")) {
        rows <- x[ok & (site == "ALL" | site_of == site), , drop = FALSE]
        if (nrow(rows) == 0) next
        a <- NA
        lo <- NA
        hi <- NA
        if (nrow(rows) >= 2 && var(rowSums(rows)) > 0) {
          # psych::alpha stops when an item has no variance (its correlations are NA); the
          # textbook formula it implements is then written out.
          a <- tryCatch(
            suppressWarnings(psych::alpha(rows, delete = FALSE, warnings = FALSE, check.keys = FALSE))$total$raw_alpha,
            error = function(e) ncol(rows) / (ncol(rows) - 1) * (1 - sum(apply(rows, 2, var)) / var(rowSums(rows))))
          ci <- psych::alpha.ci(a, nrow(rows), ncol(rows))
          lo <- ci$lower.ci
          hi <- ci$upper.ci
        }
        reliability[[length(reliability) + 1]] <- data.frame(
          instrument = instrument, role = role, scale = s, site = site, n = nrow(rows), items = length(items),
          alpha = a, alpha_lo = lo, alpha_hi = hi, stringsAsFactors = FALSE)
      }
    }
  }
}
reliability <- do.call(rbind, reliability)
reliability <- release_order(
  suppress(reliability, reliability$n, c("instrument", "role", "scale", "site"), keep = "items", complementary = TRUE),
  c("instrument", "role", "scale", "site"))

# Per-dyad client alliance totals in session order.
totals <- function(instrument, role) {
  d <- scores[scores$instrument == instrument & scores$role == role & scores$scale == "total" & !is.na(scores$dyad), ]
  d[order(d$dyad, d$session, method = "radix"), c("dyad", "site", "therapist", "session", "value")]
}
client <- totals("alliance-client", "client")
ther <- totals("alliance-therapist", "therapist")
dyads_of <- function(in_sites) sort(dyads$dyad[dyads$site %in% in_sites], method = "radix")

# agreement
pairs <- merge(client, ther, by = c("dyad", "site", "session"), suffixes = c(".c", ".t"))
agreement <- per_site(function(in_sites) {
  p <- pairs[pairs$site %in% in_sites, ]
  if (nrow(p) == 0) return(NULL)
  diff <- p$value.c - p$value.t
  data.frame(n_pairs = nrow(p), r = if (nrow(p) > 1) cor(p$value.c, p$value.t) else NA, mean_diff = mean(diff),
             sd_diff = if (nrow(p) > 1) sd(diff) else NA, units = length(unique(p$dyad)))
})
agreement <- release_order(suppress(agreement, agreement$units, "site", complementary = TRUE), "site")
agreement$units <- NULL

# icc: y = each dyad's mean client alliance total.
dm <- aggregate(value ~ dyad + site + therapist, data = client, FUN = mean)
ctrl <- lmerControl(optimizer = "bobyqa", optCtrl = list(rhoend = 1e-12))
f1 <- as.data.frame(VarCorr(lmer(value ~ 1 + (1 | therapist), data = dm, REML = TRUE, control = ctrl)))
f2 <- as.data.frame(VarCorr(lmer(value ~ 1 + (1 | site) + (1 | site:therapist), data = dm, REML = TRUE, control = ctrl)))
v1 <- c(therapist = f1$vcov[f1$grp == "therapist"], residual = f1$vcov[f1$grp == "Residual"])
v2 <- c(site = f2$vcov[f2$grp == "site"], therapist = f2$vcov[f2$grp == "site:therapist"],
        residual = f2$vcov[f2$grp == "Residual"])
n_ther <- length(unique(dm$therapist))
icc <- data.frame(
  model = c("therapist", "therapist", "site/therapist", "site/therapist", "site/therapist"),
  level = c("therapist", "residual", "site", "therapist", "residual"),
  variance = c(v1, v2), icc = c(v1 / sum(v1), v2 / sum(v2)),
  n_groups = c(n_ther, nrow(dm), length(unique(dm$site)), n_ther, nrow(dm)), n_obs = nrow(dm),
  stringsAsFactors = FALSE)

# trajectories: slopes of dyads with ≥ 3 totals in sessions 1–5.
early <- client[client$session <= 5, ]
slopes <- sapply(split(early, early$dyad), function(d) if (nrow(d) >= 3) unname(coef(lm(value ~ session, data = d))[2]) else NA)
slopes <- data.frame(dyad = names(slopes), slope = unname(slopes))
slopes <- merge(slopes[!is.na(slopes$slope), ], dyads[, c("dyad", "site")])
trajectories <- per_site(function(in_sites) {
  s <- slopes$slope[slopes$site %in% in_sites]
  if (length(s) == 0) return(NULL)
  data.frame(n_dyads = length(s), mean_slope = mean(s), sd_slope = if (length(s) > 1) sd(s) else NA)
})
trajectories <- release_order(suppress(trajectories, trajectories$n_dyads, "site", complementary = TRUE), "site")

# ruptures (DESIGN §9 transcribed in common.R): dyads with ≥ 4 totals.
series <- split(client$value, client$dyad)
ruptures <- per_site(function(in_sites) {
  out <- lapply(c(`1sd` = 1, `2sd` = 2), function(c) {
    per <- Filter(Negate(is.null), lapply(series[names(series) %in% dyads_of(in_sites)], rupture_counts, c = c))
    if (length(per) == 0) return(NULL)
    m <- do.call(rbind, per)
    data.frame(n_dyads = nrow(m), n_dyads_rupture = sum(m[, "ruptures"] > 0),
               rupture_rate = sum(m[, "ruptures"] > 0) / nrow(m), n_ruptures = sum(m[, "ruptures"]),
               n_repaired = sum(m[, "repaired"]),
               repair_rate = if (sum(m[, "followed"]) > 0) sum(m[, "repaired"]) / sum(m[, "followed"]) else NA)
  })
  out <- Filter(Negate(is.null), out)
  if (length(out) == 0) return(NULL)
  cbind(threshold = names(out), do.call(rbind, out), stringsAsFactors = FALSE)
})
ruptures <- release_order(suppress(ruptures, ruptures$n_dyads, c("site", "threshold"), complementary = TRUE),
                          c("site", "threshold"))

# alliance_outcome: early alliance (mean client total, sessions 1–3) vs PHQ-9 first − last.
phq <- totals("phq9", "client")
early3 <- aggregate(value ~ dyad, data = client[client$session <= 3, ], FUN = mean)
improvement <- do.call(rbind, lapply(split(phq, phq$dyad), function(d)
  if (nrow(d) >= 2) data.frame(dyad = d$dyad[1], y = d$value[1] - d$value[nrow(d)]) else NULL))
outcome <- merge(merge(early3, improvement), dyads[, c("dyad", "site")])
site_rows <- do.call(rbind, lapply(sites, function(s) {
  d <- outcome[outcome$site == s, ]
  if (nrow(d) == 0) return(NULL)
  n <- nrow(d)
  r <- if (n >= 2) cor(d$value, d$y) else NA
  z <- atanh(r)
  vi <- if (n >= 4) 1 / (n - 3) else NA
  se <- sqrt(vi)
  data.frame(row = "site", site = s, method = NA, k = 1, n = n, r = r, z = z, vi = vi, se = se,
             ci_lo = z - z975 * se, ci_hi = z + z975 * se, r_lo = tanh(z - z975 * se), r_hi = tanh(z + z975 * se),
             zval = z / se, pval = 2 * pnorm(-abs(z / se)), tau2 = NA, i2 = NA, q = NA, q_p = NA,
             pi_lo = NA, pi_hi = NA, stringsAsFactors = FALSE)
}))
site_rows <- suppress(site_rows, site_rows$n, c("row", "site", "method"))
usable <- site_rows[!site_rows$suppressed & site_rows$n >= 4 & !is.na(site_rows$vi), ]
pooled <- if (nrow(usable) >= 2) do.call(rbind, lapply(c("DL", "REML"), function(method) {
  fit <- rma(usable$z, usable$vi, method = method, control = list(threshold = 1e-10))
  p <- predict(fit)
  b <- as.numeric(fit$beta)
  data.frame(row = "pooled", site = NA, method = method, k = fit$k, n = sum(usable$n), r = tanh(b), z = b,
             vi = fit$se^2, se = fit$se, ci_lo = fit$ci.lb, ci_hi = fit$ci.ub, r_lo = tanh(fit$ci.lb),
             r_hi = tanh(fit$ci.ub), zval = fit$zval, pval = fit$pval, tau2 = fit$tau2, i2 = fit$I2, q = fit$QE,
             q_p = fit$QEp, pi_lo = p$pi.lb, pi_hi = p$pi.ub, suppressed = FALSE, stringsAsFactors = FALSE)
}))
alliance_outcome <- rbind(site_rows, pooled)

# moderators: dyad means of client alliance totals by modality and interpreter; g vs the reference.
dmod <- merge(dm[, c("dyad", "value")], dyads[, c("dyad", "modality", "interpreter")])
dmod$interpreter <- ifelse(dmod$interpreter, "true", "false")
moderators <- list()
for (moderator in c("modality", "interpreter")) {
  levels <- if (moderator == "modality") c("in_person", "online", "mixed") else c("false", "true")
  reference <- c(online = "in_person", true = "false")
  for (level in levels) {
    x <- dmod$value[dmod[[moderator]] == level]
    if (length(x) == 0) next
    g <- data.frame(hedges_g = NA, g_vi = NA, g_lo = NA, g_hi = NA)
    ref <- if (level %in% names(reference)) dmod$value[dmod[[moderator]] == reference[[level]]] else NULL
    if (length(x) >= 2 && length(ref) >= 2) {
      es <- escalc(measure = "SMD", m1i = mean(x), sd1i = sd(x), n1i = length(x),
                   m2i = mean(ref), sd2i = sd(ref), n2i = length(ref))
      g <- data.frame(hedges_g = es$yi[1], g_vi = es$vi[1], g_lo = es$yi[1] - z975 * sqrt(es$vi[1]),
                      g_hi = es$yi[1] + z975 * sqrt(es$vi[1]))
    }
    moderators[[length(moderators) + 1]] <- cbind(data.frame(
      moderator = moderator, level = level, n = length(x), mean = mean(x), sd = if (length(x) > 1) sd(x) else NA,
      stringsAsFactors = FALSE), g)
  }
}
moderators <- do.call(rbind, moderators)
moderators <- suppress(moderators, moderators$n, c("moderator", "level"))
for (j in which(moderators$level %in% c("online", "true"))) {
  reference <- if (moderators$level[j] == "online") "in_person" else "false"
  hidden_ref <- moderators$suppressed[moderators$moderator == moderators$moderator[j] & moderators$level == reference]
  if (moderators$suppressed[j] || any(hidden_ref)) moderators[j, c("hedges_g", "g_vi", "g_lo", "g_hi")] <- NA
}

# therapist_wellbeing: mean exhaustion vs the mean of the therapist's dyads' mean client totals.
exhaustion <- scores[scores$instrument == "therapist-wellbeing" & scores$scale == "exhaustion", ]
ex <- aggregate(value ~ therapist, data = exhaustion, FUN = mean)
al <- aggregate(value ~ therapist, data = dm, FUN = mean)
both <- merge(ex, al, by = "therapist", suffixes = c(".e", ".a"))
wellbeing <- data.frame(n_therapists = nrow(both), r = cor(both$value.e, both$value.a))
wellbeing <- suppress(wellbeing, wellbeing$n_therapists, character(0))

files <- list(
  `site_session_summary.csv` = sss, `reliability.csv` = reliability, `agreement.csv` = agreement,
  `icc.csv` = icc, `trajectories.csv` = trajectories, `ruptures.csv` = ruptures,
  `alliance_outcome.csv` = alliance_outcome, `moderators.csv` = moderators,
  `therapist_wellbeing.csv` = wellbeing
)
write_reference(list(
  k = k_min,
  files = lapply(files, function(rows) {
    rownames(rows) <- NULL
    rows
  })
), "release")
