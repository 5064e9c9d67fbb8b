# Expected values for tests/test_compare_trend.py: R's prop.trend.test, prop.test and
# fisher.test, computed by R from the fixture CSV files themselves (never from rapstats).
#
# Run from the repository root:  Rscript tests/data/reference/r/trend.R
# Writes tests/data/reference/r/trend.json (R 4.2.2; jsonlite). Conventions, as rapstats'
# `compare` documents them:
# * change = later share - earlier share; Newcombe hybrid score interval (Newcombe 1998,
#   method 10) from the two Wilson intervals of prop.test(x, n, correct = FALSE)$conf.int;
# * test: fisher.test on the 2x2 table where an expected count is below 5, else
#   prop.test(correct = FALSE) (Pearson's X-squared, no continuity correction);
# * p.adjust(method = "holm") across every row (question x group cell) of one pair of waves;
# * trend: prop.trend.test(x, n) across the four waves in order (default scores 1..4), Holm
#   across the trend rows; a cell not in every wave has no trend row.
# * weighted (pulse_weighted.toml: weights-only design, column Weight): each wave's share and
#   linearised variance from survey::svymean, the design-effective n = p (1 - p) / var, and
#   prop.trend.test(p * n_eff, n_eff) across the waves.
library(jsonlite)
library(survey)

waves <- c("pulse_2025Q1", "pulse_2025Q2", "pulse_2026Q1", "pulse_2026Q2")
data <- lapply(waves, function(w) {
  read.csv(file.path("tests", "data", "waves", paste0(w, ".csv")), stringsAsFactors = FALSE)
})
questions <- c(q1 = "Q1", q2 = "Q2")

# counts of one wave: list of cell -> question -> c(x, n); cell "" is the headline
counts <- function(d) {
  cells <- c("", unique(d$Area))
  out <- list()
  for (cell in cells) {
    rows <- if (cell == "") d else d[d$Area == cell, ]
    out[[paste0("c:", cell)]] <- lapply(questions, function(col) {
      answered <- rows[[col]][rows[[col]] %in% c("Yes", "No")]
      c(sum(answered == "Yes"), length(answered))
    })
  }
  out
}
tallies <- lapply(data, counts)

wilson <- function(x, n) as.numeric(prop.test(x, n, correct = FALSE)$conf.int)

change_row <- function(q, cell, a, b) {
  p1 <- a[1] / a[2]
  p2 <- b[1] / b[2]
  m <- matrix(c(b[1], b[2] - b[1], a[1], a[2] - a[1]), nrow = 2)
  expected <- suppressWarnings(chisq.test(m, correct = FALSE)$expected)
  if (min(expected) < 5) {
    test <- "fisher"
    p <- fisher.test(m)$p.value
    statistic <- NA
  } else {
    test <- "chisq_nocc"
    r <- prop.test(c(b[1], a[1]), c(b[2], a[2]), correct = FALSE)
    p <- r$p.value
    statistic <- unname(r$statistic)
  }
  w1 <- wilson(a[1], a[2])
  w2 <- wilson(b[1], b[2])
  d <- p2 - p1
  list(
    question = q, area = sub("^c:", "", cell), x_from = a[1], n_from = a[2],
    x_to = b[1], n_to = b[2], change = d,
    change_low = d - sqrt((p2 - w2[1])^2 + (w1[2] - p1)^2),
    change_high = d + sqrt((w2[2] - p2)^2 + (p1 - w1[1])^2),
    test = test, statistic = statistic, p_value = p
  )
}

pairs <- list()
for (j in 2:length(waves)) for (i in 1:(j - 1)) {
  rows <- list()
  for (cell in names(tallies[[j]])) {
    if (!cell %in% names(tallies[[i]])) next
    for (q in names(questions)) {
      rows[[length(rows) + 1]] <- change_row(q, cell, tallies[[i]][[cell]][[q]],
                                             tallies[[j]][[cell]][[q]])
    }
  }
  adjusted <- p.adjust(sapply(rows, `[[`, "p_value"), method = "holm")
  for (k in seq_along(rows)) rows[[k]]$p_adjusted <- adjusted[k]
  pairs[[length(pairs) + 1]] <- list(wave_from = waves[i], wave_to = waves[j], rows = rows)
}

trend <- list()
common <- Reduce(intersect, lapply(tallies, names))
for (cell in common) for (q in names(questions)) {
  x <- sapply(tallies, function(t) t[[cell]][[q]][1])
  n <- sapply(tallies, function(t) t[[cell]][[q]][2])
  r <- prop.trend.test(x, n)
  trend[[length(trend) + 1]] <- list(
    question = q, area = sub("^c:", "", cell), x = x, n = n,
    statistic = unname(r$statistic), p_value = r$p.value
  )
}
adjusted <- p.adjust(sapply(trend, `[[`, "p_value"), method = "holm")
for (k in seq_along(trend)) trend[[k]]$p_adjusted <- adjusted[k]

weighted <- list()
for (cell in common) for (q in names(questions)) {
  area <- sub("^c:", "", cell)
  est <- sapply(data, function(d) {
    d$y <- as.numeric(d[[questions[[q]]]] == "Yes")
    design <- svydesign(ids = ~1, weights = ~Weight, data = d)
    if (area != "") design <- subset(design, Area == area)
    m <- svymean(~y, design)
    c(coef(m)[[1]], SE(m)[[1]]^2)
  })
  share <- est[1, ]
  n_eff <- share * (1 - share) / est[2, ]
  # a share of 0 has no variance, so no effective n: no test (R stops)
  r <- tryCatch(prop.trend.test(share * n_eff, n_eff),
                error = function(e) list(statistic = NA, p.value = NA))
  weighted[[length(weighted) + 1]] <- list(
    question = q, area = area, share = share, n_eff = n_eff,
    statistic = unname(r$statistic), p_value = r$p.value
  )
}

# prop.trend.test on small cases (the smokers example of R's ?prop.test among them)
small <- list(
  list(x = c(15, 10, 8), n = c(40, 40, 40)),
  list(x = c(83, 90, 129, 70), n = c(86, 93, 136, 82)),
  list(x = c(2, 5, 9, 14, 20), n = c(25, 25, 25, 25, 25)),
  list(x = c(12, 30), n = c(50, 60)),
  list(x = c(5, 5, 5), n = c(10, 10, 10))
)
cases <- lapply(small, function(s) {
  r <- suppressWarnings(prop.trend.test(s$x, s$n))
  two <- if (length(s$x) == 2) prop.test(s$x, s$n, correct = FALSE)$statistic else NA
  list(x = s$x, n = s$n, statistic = unname(r$statistic), p_value = r$p.value,
       df = unname(r$parameter), prop_test_statistic = unname(two))
})

out <- list(
  provenance = list(
    software = paste0(R.version.string, "; survey ", packageVersion("survey"), "; jsonlite ",
                      packageVersion("jsonlite")),
    script = "tests/data/reference/r/trend.R",
    inputs = paste0("tests/data/waves/", waves, ".csv"),
    note = "computed by R from the fixture files; no value comes from rapstats"
  ),
  waves = waves, prop_trend_test = cases, pairs = pairs, trend = trend,
  weighted_trend = weighted
)
writeLines(toJSON(out, auto_unbox = TRUE, digits = NA, pretty = TRUE, na = "null"),
           file.path("tests", "data", "reference", "r", "trend.json"))
