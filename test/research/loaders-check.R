# Prints what load.R loaded, for loaders.test.ts: one COL line per column (class, label, levels)
# and one ROW line per row of site_session_summary (numbers as %.17g, missing as \N).
source("load.R")
na <- "\\N"
for (name in .tandem_tables) {
  table <- get(name)
  for (column in names(table)) {
    x <- table[[column]]
    levels <- if (is.factor(x)) paste(levels(x), collapse = "|") else ""
    cat("COL", name, column, class(x)[1], attr(x, "label"), levels, sep = "\t")
    cat("\n")
  }
}
for (i in seq_len(nrow(site_session_summary))) {
  cells <- vapply(site_session_summary, function(x) {
    v <- x[i]
    if (is.na(v)) na else if (is.numeric(v)) sprintf("%.17g", v) else if (is.logical(v)) tolower(as.character(v)) else as.character(v)
  }, "")
  cat("ROW", cells, sep = "\t")
  cat("\n")
}
