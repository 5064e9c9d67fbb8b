# Reference values for rapstats' exact tests at large n (issue 12, point 10).
#
# R's binom.test and fisher.test sum the probabilities of the outcomes no more likely than
# the observed one, with a relative tolerance relErr = 1 + 1e-7. At n in the millions that
# comparison needs each probability to ~1e-9 relative accuracy; these cases sit on or near
# the tolerance's edge. Output: tests/data/reference_extra/large_n.json, read by
# tests/test_numbers.py.
#
# Run from the repository root:  Rscript scripts/reference_large_n.R
# (R 4.2.2, package stats; no other package needed.)

num <- function(v) sprintf("%.17g", v)

binom_cases <- list(
  c(10079999, 21000000, 0.48),  # one below the mode: every outcome above it counts (p = 1)
  c(10080001, 21000000, 0.48),
  c(10081000, 21000000, 0.48),
  c(10075000, 21000000, 0.48),
  c(5001234, 10000000, 0.5),
  c(4999999, 10000000, 0.5),
  c(15, 22, 0.5),
  c(1, 29, 0.01),
  c(0, 5000000, 1e-6),
  c(3, 2000000, 1e-6)
)
binom_json <- vapply(binom_cases, function(a) {
  p <- binom.test(a[1], a[2], a[3])$p.value
  sprintf('    {"x": %s, "n": %s, "p0": %s, "p_value": %s}', num(a[1]), num(a[2]), num(a[3]), num(p))
}, "")

# 2x2 tables as x1 of n1 against x2 of n2 (rows are the two samples).
fisher_cases <- list(
  c(5000000, 10000000, 5001000, 10000000),
  c(5000000, 10000000, 5004000, 10000000),
  c(4999999, 10000000, 5000000, 10000000),
  c(3000000, 7000000, 1285000, 3000000),
  c(1, 34, 7, 34)
)
fisher_json <- vapply(fisher_cases, function(a) {
  tab <- matrix(c(a[1], a[3], a[2] - a[1], a[4] - a[3]), 2)
  p <- fisher.test(tab)$p.value
  sprintf('    {"x1": %s, "n1": %s, "x2": %s, "n2": %s, "p_value": %s}',
          num(a[1]), num(a[2]), num(a[3]), num(a[4]), num(p))
}, "")

# log dbinom (R's Loader algorithm), for the probability function itself.
dbinom_cases <- list(
  c(10079999, 21000000, 0.48), c(500, 1000, 0.01), c(3, 10, 0.3), c(0, 10, 0.3),
  c(10, 10, 0.3), c(1e9, 2e9, 0.5)
)
dbinom_json <- vapply(dbinom_cases, function(a) {
  sprintf('    {"k": %s, "n": %s, "p": %s, "log_pmf": %s}',
          num(a[1]), num(a[2]), num(a[3]), num(dbinom(a[1], a[2], a[3], log = TRUE)))
}, "")

out <- c(
  "{",
  sprintf('  "source": "R %s, stats::binom.test, stats::fisher.test, stats::dbinom; scripts/reference_large_n.R",',
          paste(R.version$major, R.version$minor, sep = ".")),
  '  "binom_test": [', paste(binom_json, collapse = ",\n"), "  ],",
  '  "fisher_test": [', paste(fisher_json, collapse = ",\n"), "  ],",
  '  "dbinom_log": [', paste(dbinom_json, collapse = ",\n"), "  ]",
  "}"
)
writeLines(out, "tests/data/reference_extra/large_n.json")
