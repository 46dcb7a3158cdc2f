# An independent analysis of the clinical association rows, written in R from the rules in
# docs/clinical.md (not translated from ire1seq's Python). Used by tests/test_clinical_r_crosscheck.py.
#
#   Rscript clinical_rules.R clinical.tsv samples.tsv scores.tsv READOUT BASELINE_VISIT ON_TREATMENT_VISIT out.tsv
#
# Covariates: age and bmi. Writes timepoint, model, n, estimate, p for baseline logistic/cox/cox_dose,
# change logistic/cox/cox_dose (landmark at the on-treatment visit) and longitudinal cox_tv.
suppressMessages(library(survival))

args <- commandArgs(trailingOnly = TRUE)
clinical <- read.delim(args[1], stringsAsFactors = FALSE)
samples <- read.delim(args[2], stringsAsFactors = FALSE)
scores <- read.delim(args[3], stringsAsFactors = FALSE)
readout <- args[4]
baseline_visit <- args[5]
landmark_visit <- args[6]

# Rule 2: an XBP1 readout is usable only when the sample's xbp1_status is "ok".
scores$value <- ifelse(scores$xbp1_status == "ok", scores[[readout]], NA)
blood <- samples[samples$organism == "human" & samples$assay == "bulk", c("sample", "subject", "visit")]
blood <- merge(blood, scores[, c("sample", "value")], by = "sample")
visits <- merge(clinical, blood, by = c("subject", "visit"), all.x = TRUE)
visits <- visits[order(visits$subject, visits$day), ]

patient <- function(d) {
  b <- d[d$visit == baseline_visit, ]
  out <- list(subject = d$subject[1], age = d$age[1], bmi = d$bmi[1], analysed = FALSE, landmark = FALSE)
  post <- d[d$day > b$day, ]
  # Rule 1: treatment-emergent outcomes; grade >= 2 at baseline is left out.
  if (nrow(b) != 1 || b$ctcae_sensory_grade >= 2 || nrow(post) == 0) return(out)
  hit <- which(post$ctcae_sensory_grade >= 2)
  end <- if (length(hit)) post[hit[1], ] else post[nrow(post), ]
  out <- modifyList(out, list(
    analysed = TRUE, baseline = b$value, ge2 = as.integer(length(hit) > 0),
    time = end$day - b$day, dose = end$cum_dose_mg_m2 - b$cum_dose_mg_m2, event = as.integer(length(hit) > 0)
  ))
  # Rule 3: landmark at the on-treatment visit.
  l <- d[d$visit == landmark_visit, ]
  if (nrow(l) != 1) return(out)
  if (length(hit) && post$day[hit[1]] <= l$day) return(out)
  after <- d[d$day > l$day, ]
  if (nrow(after) == 0) return(out)
  lhit <- which(after$ctcae_sensory_grade >= 2)
  lend <- if (length(lhit)) after[lhit[1], ] else after[nrow(after), ]
  modifyList(out, list(
    landmark = TRUE, change = l$value - b$value, lge2 = as.integer(length(lhit) > 0),
    ltime = lend$day - l$day, ldose = lend$cum_dose_mg_m2 - l$cum_dose_mg_m2, levent = as.integer(length(lhit) > 0)
  ))
}

# Rule 4: one interval per consecutive pair of assessments from baseline, readout carried forward.
intervals <- function(d) {
  b <- d[d$visit == baseline_visit, ]
  d <- d[d$day >= b$day, ]
  carried <- d$value
  for (k in seq_along(carried)[-1]) if (is.na(carried[k])) carried[k] <- carried[k - 1]
  rows <- list()
  for (k in seq_len(nrow(d) - 1)) {
    event <- as.integer(d$ctcae_sensory_grade[k + 1] >= 2)
    if (!is.na(carried[k])) {
      rows[[length(rows) + 1]] <- data.frame(
        subject = d$subject[1], start = d$day[k] - b$day, stop = d$day[k + 1] - b$day,
        x = carried[k], event = event, age = d$age[1], bmi = d$bmi[1]
      )
    }
    if (event == 1) break
  }
  do.call(rbind, rows)
}

by_subject <- split(visits, visits$subject)
people <- lapply(by_subject, patient)
field <- function(name) sapply(people, function(p) if (is.null(p[[name]])) NA else p[[name]])
table <- data.frame(
  subject = field("subject"), age = field("age"), bmi = field("bmi"), analysed = field("analysed"),
  landmark = field("landmark"), baseline = field("baseline"), ge2 = field("ge2"), time = field("time"),
  dose = field("dose"), event = field("event"), change = field("change"), lge2 = field("lge2"),
  ltime = field("ltime"), ldose = field("ldose"), levent = field("levent")
)

# Rule 5: effects per sample SD of the readout over the rows entering the model; Wald p.
per_sd <- function(x) (x - mean(x)) / sd(x)
logistic <- function(d, x, y) {
  d <- d[complete.cases(d[, c(x, y, "age", "bmi")]), ]
  d$x <- per_sd(d[[x]])
  fit <- glm(as.formula(paste(y, "~ x + age + bmi")), family = binomial, data = d)
  s <- summary(fit)$coefficients
  c(nrow(d), exp(s["x", 1]), s["x", 4])
}
cox <- function(d, x, time, event) {
  d <- d[complete.cases(d[, c(x, time, event, "age", "bmi")]), ]
  d$x <- per_sd(d[[x]])
  fit <- coxph(as.formula(sprintf("Surv(%s, %s) ~ x + age + bmi", time, event)), data = d, ties = "efron")
  s <- summary(fit)$coefficients
  c(nrow(d), s["x", 2], s["x", 5])
}

analysed <- table[table$analysed, ]
landmark <- table[table$landmark, ]
tv <- do.call(rbind, lapply(by_subject[analysed$subject], intervals))
tv <- tv[complete.cases(tv), ]
tv$x <- per_sd(tv$x)
tv_fit <- summary(coxph(Surv(start, stop, event) ~ x + age + bmi, data = tv, ties = "efron"))$coefficients

rows <- rbind(
  c("baseline", "logistic", logistic(analysed, "baseline", "ge2")),
  c("baseline", "cox", cox(analysed, "baseline", "time", "event")),
  c("baseline", "cox_dose", cox(analysed, "baseline", "dose", "event")),
  c("change", "logistic", logistic(landmark, "change", "lge2")),
  c("change", "cox", cox(landmark, "change", "ltime", "levent")),
  c("change", "cox_dose", cox(landmark, "change", "ldose", "levent")),
  c("longitudinal", "cox_tv", length(unique(tv$subject)), tv_fit["x", 2], tv_fit["x", 5])
)
colnames(rows) <- c("timepoint", "model", "n", "estimate", "p_value")
write.table(rows, args[7], sep = "\t", quote = FALSE, row.names = FALSE)
