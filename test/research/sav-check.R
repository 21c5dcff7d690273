# Prints what PSPP wrote into every .sav of the folder, read back with haven, for loaders.test.ts:
# VAR lines (file, variable, label, value labels as code=label|…) and, for site_session_summary.sav,
# ROW lines with every value (numbers as %.17g, system-missing as \N).
library(haven)
for (file in sort(list.files(pattern = "\\.sav$"))) {
  table <- read_sav(file)
  for (column in names(table)) {
    x <- table[[column]]
    labels <- attr(x, "labels")
    coded <- if (is.null(labels)) "" else paste(paste0(unname(labels), "=", names(labels)), collapse = "|")
    cat("VAR", sub("\\.sav$", "", file), column, attr(x, "label"), coded, sep = "\t")
    cat("\n")
  }
}
summary <- read_sav("site_session_summary.sav")
for (i in seq_len(nrow(summary))) {
  cells <- vapply(summary, function(x) {
    v <- unclass(x)[i]
    if (is.na(v)) "\\N" else if (is.numeric(v)) sprintf("%.17g", v) else trimws(as.character(v))
  }, "")
  cat("ROW", cells, sep = "\t")
  cat("\n")
}
