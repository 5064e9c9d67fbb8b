# Reference values for `rapstats compare --between` (tests/test_compare_between.py).
#
# Inputs: tests/data/between/between.csv, between_weighted.csv, between_escape.csv (written by
# scripts/make_between_fixtures.py; counts in tests/data/between/README.md).
# Output: tests/data/reference/r/between.json. Run from the repository root:
#   Rscript tests/data/reference/r/between.R
# (R 4.2.2 with the survey package 4.1.1; jsonlite for the output.) Nothing here comes from
# rapstats: the shares, bases and answers are recomputed from the raw CSV files.
#
# For every headline share (q1 Yes, q2 Agree, q3 Email, q3 Phone; the base excludes blank
# answers, and for the multi-select q3 the respondents who ticked nothing) and every area:
#   * unweighted, the area against the rest of the respondents and against North:
#     prop.test(c(x_level, x_against), c(n_level, n_against), correct = FALSE) (X-squared, p),
#     fisher.test on the 2x2 table (p), the smallest expected count, and the Newcombe hybrid
#     score interval of level - against built from the Wilson limits of each share
#     (prop.test(x, n, correct = FALSE)$conf.int: Newcombe 1998, method 10);
#   * unweighted homogeneity: chisq.test on the areas x (positive, not) table,
#     correct = FALSE (X-squared, df, p), overall and within each team;
#   * the same unweighted values for q1 of between_escape.csv (areas named by a formula and
#     an e-mail address: keys are the raw values);
#   * weighted (svydesign(ids = ~1, weights = ~weight), subset to the question's base):
#     svyby(~pos, ~area, svymean, covmat = TRUE) and svycontrast for level - North, and
#     svyby over the indicator of the level for level - rest: the difference, its standard
#     error, the normal-theory interval (confint) and p = 2 pnorm(-|d/se|);
#     svychisq(~pos + area, statistic = "F") (Rao-Scott second-order F, ndf, ddf, p) and
#     the unadjusted Pearson X-squared of the weighted table scaled to the base (as svychisq
#     computes it before dividing by the mean generalised design effect).
suppressPackageStartupMessages({
  library(survey)
  library(jsonlite)
})

here <- "tests/data/between"
outcomes <- function(d) {
  email <- d[["Contact: Email"]] == "Yes"
  phone <- d[["Contact: Phone"]] == "Yes"
  ticked <- email | phone
  list(
    "q1" = ifelse(d$q1 == "", NA, d$q1 == "Yes"),
    "q2" = ifelse(d$q2 == "", NA, d$q2 == "Agree"),
    "q3:Email" = ifelse(ticked, email, NA),
    "q3:Phone" = ifelse(ticked, phone, NA)
  )
}

wilson <- function(x, n) suppressWarnings(prop.test(x, n, correct = FALSE))$conf.int

two_groups <- function(x1, n1, x2, n2) {
  tab <- matrix(c(x1, n1 - x1, x2, n2 - x2), nrow = 2, byrow = TRUE)
  expected <- outer(rowSums(tab), colSums(tab)) / sum(tab)
  pt <- suppressWarnings(prop.test(c(x1, x2), c(n1, n2), correct = FALSE))
  p1 <- x1 / n1
  p2 <- x2 / n2
  w1 <- wilson(x1, n1)
  w2 <- wilson(x2, n2)
  d <- p1 - p2
  list(
    x_level = x1, n_level = n1, x_against = x2, n_against = n2,
    change = d,
    newcombe = c(d - sqrt((p1 - w1[1])^2 + (w2[2] - p2)^2),
                 d + sqrt((w1[2] - p1)^2 + (p2 - w2[1])^2)),
    min_expected = min(expected),
    chisq_statistic = unname(pt$statistic), chisq_p = pt$p.value,
    fisher_p = fisher.test(tab)$p.value
  )
}

homogeneity <- function(y, area) {
  keep <- !is.na(y)
  tab <- table(factor(area[keep]), factor(y[keep], levels = c(TRUE, FALSE)))
  ct <- suppressWarnings(chisq.test(tab, correct = FALSE))
  list(statistic = unname(ct$statistic), df = unname(ct$parameter), p_value = ct$p.value)
}

unweighted <- function(d, outcome = outcomes(d), teams = c(A = "A", B = "B")) {
  out <- list()
  for (q in names(outcome)) {
    y <- outcome[[q]]
    keep <- !is.na(y)
    x <- tapply(y[keep], d$area[keep], sum)
    n <- tapply(y[keep], d$area[keep], length)
    levels <- names(n)
    rest <- lapply(setNames(levels, levels), function(l)
      two_groups(x[[l]], n[[l]], sum(x) - x[[l]], sum(n) - n[[l]]))
    reference <- lapply(setNames(setdiff(levels, "North"), setdiff(levels, "North")), function(l)
      two_groups(x[[l]], n[[l]], x[["North"]], n[["North"]]))
    by_team <- lapply(teams, function(t) {
      s <- d$team == t
      homogeneity(y[s], d$area[s])
    })
    out[[q]] <- list(rest = rest, reference_North = reference,
                     homogeneity = homogeneity(y, d$area), homogeneity_by_team = by_team)
  }
  out
}

contrast <- function(by, coefs) {
  k <- svycontrast(by, coefs)
  est <- unname(coef(k))
  se <- as.numeric(SE(k))
  ci <- confint(k)
  list(change = est, se = se, low = ci[1, 1], high = ci[1, 2],
       p_value = 2 * pnorm(-abs(est / se)))
}

weighted <- function(d) {
  out <- list()
  design <- svydesign(ids = ~1, weights = ~weight, data = d)
  for (q in names(outcomes(d))) {
    design <- update(design, pos = as.numeric(outcomes(d)[[q]]))
    base <- subset(design, !is.na(pos))
    levels <- sort(unique(d$area[!is.na(outcomes(d)[[q]])]))
    by_area <- svyby(~pos, ~area, base, svymean, covmat = TRUE)
    reference <- lapply(setNames(setdiff(levels, "North"), setdiff(levels, "North")), function(l)
      contrast(by_area, setNames(as.numeric(levels == l) - as.numeric(levels == "North"), levels)))
    rest <- lapply(setNames(levels, levels), function(l) {
      split <- update(base, is_level = factor(area == l, levels = c(FALSE, TRUE)))
      b <- svyby(~pos, ~is_level, split, svymean, covmat = TRUE)
      contrast(b, c(-1, 1))
    })
    chi <- svychisq(~pos + area, base, statistic = "F")
    pearson <- suppressWarnings(chisq.test(svytable(~pos + area, base, Ntotal = nrow(base)),
                                           correct = FALSE))
    out[[q]] <- list(
      shares = as.list(setNames(coef(by_area), levels)),
      se = as.list(setNames(SE(by_area), levels)),
      rest = rest, reference_North = reference,
      rao_scott = list(F = unname(chi$statistic), ndf = unname(chi$parameter[1]),
                       ddf = unname(chi$parameter[2]), p_value = chi$p.value),
      n_base = nrow(base),
      pearson_statistic = unname(pearson$statistic)
    )
  }
  out
}

plain <- read.csv(file.path(here, "between.csv"), check.names = FALSE, na.strings = NULL,
                  colClasses = "character")
heavy <- read.csv(file.path(here, "between_weighted.csv"), check.names = FALSE,
                  na.strings = NULL, colClasses = "character")
heavy$weight <- as.numeric(heavy$weight)
escape <- read.csv(file.path(here, "between_escape.csv"), check.names = FALSE,
                   na.strings = NULL, colClasses = "character")
result <- list(
  provenance = list(
    script = "tests/data/reference/r/between.R",
    software = paste(R.version.string, "; survey", as.character(packageVersion("survey"))),
    inputs = c("tests/data/between/between.csv", "tests/data/between/between_weighted.csv",
               "tests/data/between/between_escape.csv"),
    note = "expected values only; never regenerate with rapstats"
  ),
  unweighted = unweighted(plain),
  weighted = weighted(heavy),
  escape = unweighted(escape, list(q1 = escape$q1 == "Yes"), teams = c())
)
writeLines(toJSON(result, auto_unbox = TRUE, digits = NA, pretty = TRUE, na = "null"),
           "tests/data/reference/r/between.json")
