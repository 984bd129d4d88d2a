"""Published reference values, each stored under its source (paper + table, or the R call).

Modelled on statsmodels/stats/tests/results/results_proportion.py: the tests
import these and compare; a value here is never produced by our own code.
"""

from __future__ import annotations

# --- Wilson score interval -------------------------------------------------
# Newcombe, R. G. (1998). Two-sided confidence intervals for the single
# proportion: comparison of seven methods. Stat Med 17:857–872, Table I,
# method 3 (score method without continuity correction), 95 %.
# (successes, n, lower, upper)
NEWCOMBE_1998_TABLE_I_WILSON = [
    (81, 263, 0.2553, 0.3662),
    (15, 148, 0.0624, 0.1605),
    (0, 20, 0.0000, 0.1611),
    (1, 29, 0.0061, 0.1718),
]

# --- Difference of two independent proportions -----------------------------
# Newcombe, R. G. (1998). Interval estimation for the difference between
# independent proportions: comparison of eleven methods. Stat Med 17:873–890,
# Table II, method 10 (hybrid score, no continuity correction), 95 %.
# (x1, n1, x2, n2, lower, upper)
NEWCOMBE_1998_TABLE_II_METHOD_10 = [
    (56, 70, 48, 80, 0.0524, 0.3339),
    (9, 10, 3, 10, 0.1705, 0.8090),
    (5, 56, 0, 29, -0.0381, 0.1926),
]
# Same paper, Table II, method 6 (Miettinen–Nurminen score), example (a):
NEWCOMBE_1998_TABLE_II_METHOD_6_A = (56, 70, 48, 80, 0.0528, 0.3382)

# --- Paired t-test: Student's sleep data -----------------------------------
# R: with(sleep, t.test(extra[group == 1], extra[group == 2], paired = TRUE))
#   t = -4.0621, df = 9, p-value = 0.002833
#   95 percent confidence interval: -2.4598858 -0.7001142
#   mean difference -1.58
SLEEP_GROUP1 = [0.7, -1.6, -0.2, -1.2, -0.1, 3.4, 3.7, 0.8, 0.0, 2.0]
SLEEP_GROUP2 = [1.9, 0.8, 1.1, 0.1, -0.1, 4.4, 5.5, 1.6, 4.6, 3.4]
SLEEP_T = -4.0621
SLEEP_DF = 9
SLEEP_P = 0.002833
SLEEP_MEAN_DIFF = -1.58
SLEEP_CI = (-2.4599, -0.7001)
# R: with(sleep, wilcox.test(extra[group == 1], extra[group == 2], paired = TRUE))
#   V = 0, p-value = 0.009091  (warnings: cannot compute exact p-value with ties / zeroes)
SLEEP_WILCOXON_V = 0.0
SLEEP_WILCOXON_P = 0.009091

# --- Wilcoxon signed-rank: Hollander & Wolfe depression data ---------------
# Hollander, M. & Wolfe, D. A. (1973/1999) Nonparametric Statistical Methods,
# p. 29 (Hamilton depression scale, first vs second visit); the example of R's
# ?wilcox.test:
#   x <- c(1.83, 0.50, 1.62, 2.48, 1.68, 1.88, 1.55, 3.06, 1.30)
#   y <- c(0.878, 0.647, 0.598, 2.05, 1.06, 1.29, 1.06, 3.14, 1.29)
#   wilcox.test(x, y, paired = TRUE)  ->  V = 40, p-value = 0.03906
HW_X = [1.83, 0.50, 1.62, 2.48, 1.68, 1.88, 1.55, 3.06, 1.30]
HW_Y = [0.878, 0.647, 0.598, 2.05, 1.06, 1.29, 1.06, 3.14, 1.29]
HW_V = 40.0
HW_P = 0.03906

# --- McNemar: presidential approval ----------------------------------------
# Agresti, A. (2013) Categorical Data Analysis, 3rd ed., Table 11.1 (also R's
# ?mcnemar.test "Performance"): first survey approve/disapprove × second.
#   approve→approve 794, approve→disapprove 150, disapprove→approve 86, 570.
# Agresti section 11.1.1: z² = (86 − 150)² / (86 + 150) = 17.36 (no correction).
# R: mcnemar.test(matrix(c(794, 86, 150, 570), nrow = 2))
#   McNemar's chi-squared = 16.818, df = 1, p-value = 4.115e-05
APPROVAL = {"yes_yes": 794, "yes_no": 150, "no_yes": 86, "no_no": 570}
APPROVAL_CHI2_UNCORRECTED = 17.36
APPROVAL_CHI2_R = 16.818
APPROVAL_P_R = 4.115e-05

# --- Cronbach's alpha with Feldt interval ----------------------------------
# Shrout, P. E. & Fleiss, J. L. (1979) Intraclass correlations: uses in
# assessing rater reliability. Psychol Bull 86:420–428, Table 2 (6 targets ×
# 4 judges). Cronbach's alpha equals ICC(3,k); Table 4 gives ICC(3,4) = .91.
# R: psych::ICC(SF) -> ICC3k 0.91, 95 % CI [0.68, 0.99] (the F-based interval
# of Feldt 1965 / Feldt, Woodruff & Salih 1987).
SHROUT_FLEISS = {
    "J1": [9, 6, 8, 7, 10, 6],
    "J2": [2, 1, 4, 1, 5, 2],
    "J3": [5, 3, 6, 2, 6, 4],
    "J4": [8, 2, 8, 6, 9, 7],
}
SHROUT_FLEISS_ALPHA = 0.91
SHROUT_FLEISS_CI = (0.68, 0.99)

# --- Chi-square test of independence ---------------------------------------
# Agresti (2007) An Introduction to Categorical Data Analysis, Table 2.5,
# party identification by gender; R's ?chisq.test:
#   M <- as.table(rbind(c(762, 327, 468), c(484, 239, 477)))
#   chisq.test(M)  ->  X-squared = 30.07, df = 2, p-value = 2.954e-07
PARTY_BY_GENDER = [[762, 327, 468], [484, 239, 477]]
PARTY_CHI2 = 30.07
PARTY_DF = 2
PARTY_P = 2.954e-07

# --- Fisher's exact test -----------------------------------------------------
# Agresti (1990) Categorical Data Analysis, p. 61–62 (Fisher's tea tasting);
# R's ?fisher.test:
#   TeaTasting <- matrix(c(3, 1, 1, 3), nrow = 2)
#   fisher.test(TeaTasting, alternative = "two.sided")  -> p-value = 0.4857
TEA_TASTING = [[3, 1], [1, 3]]
TEA_TASTING_P = 0.4857
# Agresti (2002) p. 57, job satisfaction by income; R's ?fisher.test:
#   Job <- matrix(c(1,2,1,0, 3,3,6,1, 10,10,14,9, 6,7,12,11), 4, 4)
#   fisher.test(Job)  -> p-value = 0.7827 (exact network algorithm)
JOB_SATISFACTION = [[1, 3, 10, 6], [2, 3, 10, 7], [1, 6, 14, 12], [0, 1, 9, 11]]
JOB_SATISFACTION_P = 0.7827

# --- Median confidence interval ----------------------------------------------
# Conover, W. J. (1999) Practical Nonparametric Statistics, 3rd ed., §3.2 and
# Table A3: for n = 10 the 95 % distribution-free interval for the median is
# [X(2), X(9)] (exact coverage 1 − 2·P(B ≤ 1) = 0.9785, B ~ Bin(10, 1/2)).
MEDIAN_N10_ORDER_STATISTICS = (2, 9)
MEDIAN_N10_COVERAGE = 0.978515625
