# Shared helpers for the reference scripts: write a list as JSON with 15 significant digits,
# NA as null, next to this script.
suppressPackageStartupMessages(library(jsonlite))
write_reference <- function(x, name) {
  path <- file.path(reference_dir, paste0(name, ".json"))
  writeLines(toJSON(x, digits = NA, auto_unbox = TRUE, null = "null", na = "null", pretty = FALSE), path)
  cat("wrote", path, "\n")
}
num_or_null <- function(x) if (is.null(x) || length(x) == 0 || is.na(x)) NULL else unname(x)
# Ruptures of one dyad's totals (no missing values) at c SDs, as DESIGN §9 defines them: counts of
# ruptures, of ruptures followed by a total, and of repaired ones; NULL when fewer than 4 totals.
rupture_counts <- function(x, c) {
  if (length(x) < 4) return(NULL)
  s <- sd(x)
  out <- c(ruptures = 0, followed = 0, repaired = 0)
  if (s == 0) return(out)
  for (t in 2:length(x)) {
    if (x[t] <= x[t - 1] - c * s + 1e-9) {
      out["ruptures"] <- out["ruptures"] + 1
      nxt <- x[seq(t + 1, length.out = min(2, length(x) - t))]
      if (length(nxt) > 0) out["followed"] <- out["followed"] + 1
      if (any(nxt >= x[t - 1])) out["repaired"] <- out["repaired"] + 1
    }
  }
  out
}
