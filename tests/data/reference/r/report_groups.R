# Reference values for the report's differences between areas (tests/test_report_groups.py).
#
# Input: tests/data/report_groups/groups.csv (written by scripts/make_report_groups_fixture.py;
# counts in tests/data/report_groups/README.md). Output: report_groups.json beside this
# script. Run from the repository root: Rscript tests/data/reference/r/report_groups.R
# (R 4.2.2; jsonlite for the output). Nothing here comes from rapstats: the shares and bases
# are recomputed from the raw CSV file.
#
# For q1 (Yes) and q2 (Agree) and every area, the area against the rest of the respondents:
# prop.test(c(x_level, x_rest), c(n_level, n_rest), correct = FALSE) (X-squared, p), the
# smallest expected count (all are 5 or more, so no Fisher test is due), and the Newcombe
# hybrid score interval of level - rest from the Wilson limits of each share
# (prop.test(x, n, correct = FALSE)$conf.int: Newcombe 1998, method 10); Holm-adjusted p
# (p.adjust(method = "holm")) across the 8 differences. Homogeneity per question:
# chisq.test on the areas x (positive, not) table, correct = FALSE, Holm across the 2 tests.
suppressPackageStartupMessages(library(jsonlite))

d <- read.csv("tests/data/report_groups/groups.csv", stringsAsFactors = FALSE)
outcome <- list(q1 = d$q1 == "Yes", q2 = d$q2 == "Agree")
areas <- c("North", "South", "East", "West")
wilson <- function(x, n) suppressWarnings(prop.test(x, n, correct = FALSE))$conf.int

differences <- list()
homogeneity <- list()
for (q in names(outcome)) {
  y <- outcome[[q]]
  for (a in areas) {
    x1 <- sum(y[d$area == a]); n1 <- sum(d$area == a)
    x2 <- sum(y[d$area != a]); n2 <- sum(d$area != a)
    tab <- matrix(c(x1, n1 - x1, x2, n2 - x2), nrow = 2, byrow = TRUE)
    pt <- suppressWarnings(prop.test(c(x1, x2), c(n1, n2), correct = FALSE))
    p1 <- x1 / n1; p2 <- x2 / n2; w1 <- wilson(x1, n1); w2 <- wilson(x2, n2)
    differences[[length(differences) + 1]] <- list(
      question = q, level = a, x_level = x1, n_level = n1, x_rest = x2, n_rest = n2,
      share_level = p1, share_rest = p2, change = p1 - p2,
      newcombe = c(p1 - p2 - sqrt((p1 - w1[1])^2 + (w2[2] - p2)^2),
                   p1 - p2 + sqrt((w1[2] - p1)^2 + (p2 - w2[1])^2)),
      min_expected = min(outer(rowSums(tab), colSums(tab)) / sum(tab)),
      chisq_statistic = unname(pt$statistic), p_value = pt$p.value
    )
  }
  ct <- suppressWarnings(chisq.test(table(d$area, factor(y, levels = c(TRUE, FALSE))),
                                    correct = FALSE))
  homogeneity[[q]] <- list(statistic = unname(ct$statistic), df = unname(ct$parameter),
                           p_value = ct$p.value)
}
holm <- p.adjust(sapply(differences, `[[`, "p_value"), method = "holm")
for (i in seq_along(differences)) differences[[i]]$p_holm <- holm[i]
holm <- p.adjust(sapply(homogeneity, `[[`, "p_value"), method = "holm")
for (q in names(homogeneity)) homogeneity[[q]]$p_holm <- holm[[q]]

out <- list(
  provenance = list(
    script = "tests/data/reference/r/report_groups.R",
    software = paste(R.version.string, "; jsonlite", packageVersion("jsonlite")),
    inputs = list("tests/data/report_groups/groups.csv"),
    note = "expected values only; never regenerate with rapstats"
  ),
  differences = differences,
  homogeneity = homogeneity
)
write_json(out, "tests/data/reference/r/report_groups.json", auto_unbox = TRUE, digits = NA,
           pretty = TRUE)
