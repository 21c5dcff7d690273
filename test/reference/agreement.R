# Agreement reference: Pearson r (cor) and mean and SD of client − therapist on matched pairs.
reference_dir <- dirname(sub("--file=", "", grep("--file=", commandArgs(FALSE), value = TRUE)))
source(file.path(reference_dir, "common.R"))
set.seed(41)
n <- 60
common <- rnorm(n)
client <- round(46 + 5 * (0.6 * common + 0.8 * rnorm(n)))
therapist <- round(42 + 5 * (0.6 * common + 0.8 * rnorm(n)))
c2 <- c(44, 51, NA, 38, 60, 47.5, 29, 55, 41, NA, 36, 49, 52)
t2 <- c(40, 47, 45, NA, 52, 44, 33, 50, 39, 41, 30, 47, 46)
cases <- list(
  matched = list(client = client, therapist = therapist),
  unbalanced_missing = list(client = c2, therapist = t2),
  perfect = list(client = c(30, 35, 40, 45), therapist = c(27, 32, 37, 42)),
  inverse = list(client = c(30, 35, 40), therapist = c(42, 37, 32))
)
result <- lapply(cases, function(p) {
  ok <- !is.na(p$client) & !is.na(p$therapist)
  d <- p$client[ok] - p$therapist[ok]
  list(client = p$client, therapist = p$therapist,
       expected = list(n_pairs = sum(ok), r = cor(p$client[ok], p$therapist[ok]), mean_diff = mean(d), sd_diff = sd(d)))
})
write_reference(result, "agreement")
