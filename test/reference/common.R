# Shared helpers for the reference scripts: write a list as JSON with 15 significant digits,
# NA as null, next to this script.
suppressPackageStartupMessages(library(jsonlite))
write_reference <- function(x, name) {
  path <- file.path(reference_dir, paste0(name, ".json"))
  writeLines(toJSON(x, digits = NA, auto_unbox = TRUE, null = "null", na = "null", pretty = FALSE), path)
  cat("wrote", path, "\n")
}
num_or_null <- function(x) if (is.null(x) || length(x) == 0 || is.na(x)) NULL else unname(x)
