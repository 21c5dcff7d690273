# Regenerates every reference JSON in this folder: Rscript test/reference/make.R
here <- dirname(sub("--file=", "", grep("--file=", commandArgs(FALSE), value = TRUE)))
for (script in sort(list.files(here, pattern = "\\.R$", full.names = TRUE))) {
  if (basename(script) %in% c("make.R", "common.R")) next
  status <- system2("Rscript", script)
  if (status != 0) stop("failed: ", script)
}
