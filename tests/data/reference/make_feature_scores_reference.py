#!/usr/bin/python3
"""Reference feature scores and selections for ember's feature_scores.h and
feature_selection.h, made once with scikit-learn
(tests/unit/test_feature_scores.cpp reads the output).

    /usr/bin/python3 tests/data/reference/make_feature_scores_reference.py > tests/data/reference/feature_scores.txt

Each case is a line "case NAME" followed by "key v1 v2 ..." lines. The data
are the bundled CSV files' numeric columns, read as float32 as ember reads
them, then widened to float64; class targets are the sorted labels' codes
(as ember's CSV reader assigns them), or the numeric "digit" column.

- chi2 runs on min-max scaled data, scaled in float64 as
  (x - min) / (max - min) (a range of 0 divides by 1) and then rounded to
  float32, exactly as the test scales its copy. scikit-learn gives NaN for a
  column that is zero everywhere; ember gives score 0, p-value 1: those
  columns are listed under "nan_columns" and written as 0 / 1.
- Fisher score is computed here by hand as feature_scores.h defines it:
  sum_k n_k (mean_k - mean)^2 / sum_k n_k var_k, var_k the population
  variance of class k.
- mutual_info_* add noise drawn from their random_state to continuous
  variables. On data with tied values the estimate depends on it, so "mean"
  and "spread" are the mean and the max - min over random_state 0..9; on
  the synthetic data without ties (stored here as "x"/"y", float32 values)
  the spread is ~0. Discrete columns of mutual_info_classif involve no noise.
- Selections are 0/1 keep masks of SelectKBest / SelectPercentile on the
  scores stored with them (NaN scores listed in "nan_scores", stored as 0).
"""
import csv

import numpy as np
import scipy
import sklearn
from sklearn.feature_selection import (
    SelectKBest,
    SelectPercentile,
    VarianceThreshold,
    chi2,
    f_classif,
    f_regression,
    mutual_info_classif,
    mutual_info_regression,
    r_regression,
)

DATA = "tests/data/"
SEEDS = range(10)


def load(name, target):
    """The numeric feature columns (float32 widened) and the target codes."""
    with open(DATA + name, newline="") as f:
        rows = list(csv.reader(f))
    header, rows = rows[0], rows[1:]
    cols = []
    for j, h in enumerate(header):
        if h == target:
            continue
        try:
            [float(r[j]) for r in rows]
            cols.append(j)
        except ValueError:
            pass
    x = np.array([[float(r[j]) for j in cols] for r in rows]).astype(np.float32).astype(np.float64)
    t = header.index(target)
    try:
        y = np.array([float(r[t]) for r in rows]).astype(np.float32).astype(np.float64)
    except ValueError:
        labels = sorted(set(r[t] for r in rows))
        y = np.array([labels.index(r[t]) for r in rows], dtype=np.float64)
    return x, y


def minmax(x):
    lo, hi = x.min(axis=0), x.max(axis=0)
    span = np.where(hi > lo, hi - lo, 1.0)
    return ((x - lo) / span).astype(np.float32).astype(np.float64)


def emit(name, **values):
    print("case", name)
    for key, v in values.items():
        print(key, " ".join(repr(float(t)) for t in np.ravel(v)))
    print()


def no_nan(v, fill):
    v = np.array(v, dtype=np.float64)
    return np.where(np.isnan(v), fill, v), np.flatnonzero(np.isnan(v))


def fisher(x, y):
    mean = x.mean(axis=0)
    between = np.zeros(x.shape[1])
    within = np.zeros(x.shape[1])
    for k in np.unique(y):
        xk = x[y == k]
        between += len(xk) * (xk.mean(axis=0) - mean) ** 2
        within += len(xk) * xk.var(axis=0)
    return between / within


def variances(x):
    # VarianceThreshold's variances_ with a positive threshold (with 0 it
    # stores min(variance, peak-to-peak) instead).
    v = VarianceThreshold(1e-300).fit(x).variances_
    assert np.allclose(v, x.var(axis=0), rtol=1e-13)
    return v


def mi_spread(fn, x, y, **kw):
    runs = np.array([fn(x, y, n_neighbors=3, random_state=s, **kw) for s in SEEDS])
    return runs.mean(axis=0), runs.max(axis=0) - runs.min(axis=0)


print("# scikit-learn", sklearn.__version__, "scipy", scipy.__version__, "numpy", np.__version__)
print("# made by: /usr/bin/python3 tests/data/reference/make_feature_scores_reference.py")
print()

data = {
    "iris": load("iris.csv", "species"),
    "wine": load("wine.csv", "cultivar"),
    "digits": load("digits.csv", "digit"),
    "breast_cancer": load("breast_cancer.csv", "diagnosis"),
    "diabetes": load("diabetes.csv", "progression"),
}

for name in ("iris", "wine", "digits"):
    x, y = data[name]
    score, p = chi2(minmax(x), y)
    score, nan = no_nan(score, 0.0)
    p, _ = no_nan(p, 1.0)
    emit(name + "_chi2", score=score, p=p, nan_columns=nan)

for name in ("iris", "wine", "breast_cancer"):
    x, y = data[name]
    f, p = f_classif(x, y)
    emit(name + "_f_classif", f=f, p=p)
    emit(name + "_fisher", score=fisher(x, y))
    emit(name + "_variance", variance=variances(x))

x, y = data["diabetes"]
f, p = f_regression(x, y)
emit("diabetes_f_regression", f=f, p=p, r=r_regression(x, y))
emit("diabetes_variance", variance=variances(x))

# Mutual information. Data with ties: the bundled sets.
for name in ("iris", "wine", "breast_cancer"):
    x, y = data[name]
    mean, spread = mi_spread(mutual_info_classif, x, y)
    emit(name + "_mi_classif", mean=mean, spread=spread)
x, y = data["digits"]
emit("digits_mi_classif_discrete", mi=mutual_info_classif(x, y, discrete_features=True))
x, y = data["diabetes"]
mean, spread = mi_spread(mutual_info_regression, x, y)
emit("diabetes_mi_regression", mean=mean, spread=spread)
# "sex" (column 1) as labels: Ross's estimator against the noised target.
mean, spread = mi_spread(mutual_info_regression, x[:, [1]], y, discrete_features=True)
emit("diabetes_mi_regression_sex_discrete", mean=mean, spread=spread)

# Data without ties: 300 rows, columns y + noise, sin(3 y), pure noise,
# y^2 (with a little noise), and a class target from y's tertiles.
rng = np.random.RandomState(7)
n = 300
t = rng.normal(size=n)
sx = np.column_stack([
    t + 0.5 * rng.normal(size=n),
    np.sin(3 * t) + 0.1 * rng.normal(size=n),
    rng.uniform(-2, 2, size=n),
    t * t + 0.05 * rng.normal(size=n),
]).astype(np.float32).astype(np.float64)
sy = (t + 0.01 * rng.normal(size=n)).astype(np.float32).astype(np.float64)
assert all(len(np.unique(sx[:, j])) == n for j in range(sx.shape[1])) and len(np.unique(sy)) == n
sc = np.digitize(sy, np.quantile(sy, [1 / 3, 2 / 3])).astype(np.float64)
emit("synthetic", rows=[n], cols=[sx.shape[1]], x=sx, y=sy, classes=sc)
mean, spread = mi_spread(mutual_info_regression, sx, sy)
emit("synthetic_mi_regression", mean=mean, spread=spread)
mean, spread = mi_spread(mutual_info_classif, sx, sc)
emit("synthetic_mi_classif", mean=mean, spread=spread)
# Larger neighbourhoods go deeper into the 2-d tree.
for k in (1, 10):
    runs = np.array([mutual_info_regression(sx, sy, n_neighbors=k, random_state=s) for s in SEEDS])
    emit("synthetic_mi_regression_k%d" % k, mean=runs.mean(axis=0), spread=runs.max(axis=0) - runs.min(axis=0))


def selections(name, scores):
    fixed = lambda X, y: np.array(scores)  # noqa: E731
    xs = np.zeros((2, len(scores)))
    clean, nan = no_nan(scores, 0.0)
    values = {"scores": clean, "nan_scores": nan}
    for k in (0, 1, 3, len(scores)):
        values["k%d" % k] = SelectKBest(fixed, k=k).fit(xs, [0, 1]).get_support()
    for q in (0, 10, 25, 33, 50, 90, 100):
        values["percentile%d" % q] = SelectPercentile(fixed, percentile=q).fit(xs, [0, 1]).get_support()
    emit(name, **values)


# Ties and NaN by hand, then real scores.
selections("select_ties", [1.0, 2.0, 2.0, 2.0, 3.0, np.nan, 0.0, 2.0])
selections("select_all_tied", [5.0] * 7)
selections("select_wine_f_classif", f_classif(*data["wine"])[0])
x, y = data["digits"]
selections("select_digits_chi2", chi2(minmax(x), y)[0])
