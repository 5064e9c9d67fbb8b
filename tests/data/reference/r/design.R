# Reference values for `summarize` with a full survey design (tests/test_design.py).
#
# Input: tests/data/design/design.csv (written by scripts/make_design_fixture.py; counts in
# tests/data/design/README.md). Output: tests/data/reference/r/design.json. Run from the
# repository root:
#   Rscript tests/data/reference/r/design.R
# (R with the survey package; jsonlite for the output.) Nothing here comes from rapstats.
#
# Design: svydesign(ids = ~school, strata = ~region, weights = ~weight, nest = TRUE, data = d),
# the same with fpc = ~pop_schools (population schools per stratum) ("fpc"), strata without
# clusters svydesign(ids = ~1, strata = ~region, weights = ~weight) ("strata_only") and the
# clustered design with fpc but no weights (R's weights N_h / n_h) ("fpc_noweight"). For each
# question (q1: base the non-blank answers, positive "Yes"; q2: base all but "Don't know",
# positive "Agree"; the multi-select q3, each option as "q3: Email" / "q3: Phone": base the
# respondents who ticked at least one, positive those who ticked the option) the design is
# subset to the base (subset() keeps every PSU for the variance), then
#   * overall: svyciprop(~I(pos), design, method = "logit") -> share, its standard error
#     (sqrt of the "var" attribute), confint limits, degf(design); svymean(~I(pos)) -> mean, SE;
#   * by sex: svyby(~I(pos), ~sex, design, svyciprop, vartype = c("se", "ci"),
#     method = "logit") -> share, se, ci_l, ci_u; degf(subset(design, sex == level));
#     svyby(~I(pos), ~sex, design, svymean) -> mean, se.
suppressPackageStartupMessages({
  library(survey)
  library(jsonlite)
})

d <- read.csv("tests/data/design/design.csv", colClasses = "character", na.strings = NULL,
              check.names = FALSE)
d$weight <- as.numeric(d$weight)
d$pop_schools <- as.numeric(d$pop_schools)
answered <- d[["Contact: Email"]] == "Yes" | d[["Contact: Phone"]] == "Yes"
questions <- list(
  q1 = list(base = d$q1 != "", pos = d$q1 == "Yes"),
  q2 = list(base = d$q2 != "Don't know", pos = d$q2 == "Agree"),
  "q3: Email" = list(base = answered, pos = d[["Contact: Email"]] == "Yes"),
  "q3: Phone" = list(base = answered, pos = d[["Contact: Phone"]] == "Yes")
)
designs <- list(
  nofpc = svydesign(ids = ~school, strata = ~region, weights = ~weight, nest = TRUE, data = d),
  fpc = svydesign(ids = ~school, strata = ~region, weights = ~weight, fpc = ~pop_schools,
                  nest = TRUE, data = d),
  strata_only = svydesign(ids = ~1, strata = ~region, weights = ~weight, data = d),
  fpc_noweight = svydesign(ids = ~school, strata = ~region, fpc = ~pop_schools, nest = TRUE,
                           data = d)
)

cases <- list()
for (dn in names(designs)) {
  for (qn in names(questions)) {
    q <- questions[[qn]]
    des <- designs[[dn]]
    des <- update(des, pos = q$pos, inbase = q$base)
    sub <- subset(des, inbase)
    r <- svyciprop(~I(pos), sub, method = "logit")
    ci <- as.numeric(confint(r))
    m <- svymean(~I(pos), sub)
    cases[[length(cases) + 1]] <- list(
      design = dn, question = qn, group = NULL, level = NULL,
      share = as.numeric(coef(r)), se = sqrt(as.numeric(attr(r, "var"))),
      ci_low = ci[1], ci_high = ci[2], df = degf(sub),
      n = sum(q$base), mean = as.numeric(coef(m))[2], mean_se = as.numeric(SE(m))[2]
    )
    by <- svyby(~I(pos), ~sex, sub, svyciprop, vartype = c("se", "ci"), method = "logit")
    bm <- svyby(~I(pos), ~sex, sub, svymean)
    for (i in seq_len(nrow(by))) {
      level <- as.character(by$sex[i])
      dom <- subset(sub, sex == level)
      cases[[length(cases) + 1]] <- list(
        design = dn, question = qn, group = "sex", level = level,
        share = as.numeric(by[i, 2]), se = as.numeric(SE(by))[i],
        ci_low = as.numeric(by$ci_l[i]), ci_high = as.numeric(by$ci_u[i]),
        df = degf(dom), n = sum(q$base & d$sex == level),
        mean = as.numeric(bm[i, "I(pos)TRUE"]), mean_se = as.numeric(bm[i, "se.I(pos)TRUE"])
      )
    }
  }
}

out <- list(
  provenance = list(
    script = "tests/data/reference/r/design.R",
    input = "tests/data/design/design.csv",
    r = R.version.string,
    survey = as.character(packageVersion("survey")),
    command = paste(
      "svyciprop(~I(pos), subset(design, inbase), method = 'logit');",
      "svyby(~I(pos), ~sex, subset(design, inbase), svyciprop, vartype = c('se', 'ci'),",
      "method = 'logit'); svymean; degf; design = svydesign(ids = ~school,",
      "strata = ~region, weights = ~weight, nest = TRUE[, fpc = ~pop_schools]) or",
      "svydesign(ids = ~1, strata = ~region, weights = ~weight) or",
      "svydesign(ids = ~school, strata = ~region, fpc = ~pop_schools, nest = TRUE)"
    )
  ),
  cases = cases
)
writeLines(toJSON(out, auto_unbox = TRUE, digits = NA, pretty = TRUE, null = "null"),
           "tests/data/reference/r/design.json")
