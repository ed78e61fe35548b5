#!/usr/bin/python3
"""Reference fits for ember's linear trainers, made once with scikit-learn.

    /usr/bin/python3 tests/data/reference/make_linear_reference.py > tests/data/reference/linear_models.txt

Each case standardises the numeric columns exactly as tests/unit/test_linear.cpp
does (double sums in row order, population standard deviation, then rounded
to float32), so both sides fit the same float32 matrix. Solvers run to tight
tolerances so that the optimum, not the stopping point, is compared: l2 and
unpenalised fits use the Newton solvers (lbfgs stops on its ftol criterion
about 1e-7 short of the optimum on breast_cancer); newton-cg warns that it
did not meet tol=1e-12 on wine, but its objective agrees with ember's to
3e-12, i.e. to machine precision.
"""
import csv
import math
import sys

import numpy as np
import sklearn
from sklearn.linear_model import ElasticNet, Lasso, LinearRegression, LogisticRegression, Ridge

DATA = "tests/data/"


def load(name, target, drop_categorical=True):
    with open(DATA + name, newline="") as f:
        rows = list(csv.reader(f))
    header, rows = rows[0], rows[1:]
    t = header.index(target)
    cols = []
    for j, h in enumerate(header):
        if j == t:
            continue
        try:
            [float(r[j]) for r in rows]
            cols.append(j)
        except ValueError:
            if not drop_categorical:
                raise
    x = np.array([[np.float32(float(r[j])) for j in cols] for r in rows], dtype=np.float32)
    y = [r[t] for r in rows]
    return x, y, [header[j] for j in cols]


def standardise(x):
    """Column by column: mean and variance summed in row order in double."""
    n, d = x.shape
    out = np.empty_like(x)
    for j in range(d):
        col = [float(v) for v in x[:, j]]
        mean = 0.0
        for v in col:
            mean += v
        mean /= n
        var = 0.0
        for v in col:
            var += (v - mean) * (v - mean)
        std = math.sqrt(var / n)
        out[:, j] = [np.float32((v - mean) / std) for v in col]
    return out


def emit(name, coef, intercept, objective, extra=""):
    print("case", name)
    print("coef", " ".join(repr(float(v)) for v in np.ravel(coef)))
    print("intercept", " ".join(repr(float(v)) for v in np.ravel(intercept)))
    print("objective", repr(float(objective)))
    if extra:
        print(extra)
    print()


def weights(n):
    return np.array([1.0 + (i % 3) for i in range(n)])


print("# scikit-learn", sklearn.__version__, "numpy", np.__version__)
print("# made by: /usr/bin/python3 tests/data/reference/make_linear_reference.py")
print()

# ---- regression: diabetes (target progression) ----
x, y, _ = load("diabetes.csv", "progression")
x = standardise(x).astype(np.float64)
y = np.array([float(v) for v in y])
w = weights(len(y))

m = LinearRegression().fit(x, y)
emit("diabetes_ols", m.coef_, m.intercept_, np.sum((y - m.predict(x)) ** 2))
m = Ridge(alpha=10.0).fit(x, y, sample_weight=w)
emit("diabetes_ridge_weighted", m.coef_, m.intercept_,
     np.sum(w * (y - m.predict(x)) ** 2) + 10.0 * np.sum(m.coef_ ** 2))
m = Lasso(alpha=1.0, tol=1e-12, max_iter=1000000).fit(x, y)
emit("diabetes_lasso", m.coef_, m.intercept_,
     np.sum((y - m.predict(x)) ** 2) / (2 * len(y)) + 1.0 * np.sum(np.abs(m.coef_)))
m = ElasticNet(alpha=0.5, l1_ratio=0.7, tol=1e-12, max_iter=1000000).fit(x, y, sample_weight=w)
emit("diabetes_enet_weighted", m.coef_, m.intercept_,
     np.sum(w * (y - m.predict(x)) ** 2) / (2 * np.sum(w)) + 0.5 * 0.7 * np.sum(np.abs(m.coef_))
     + 0.5 * 0.5 * 0.3 * np.sum(m.coef_ ** 2))
m = Ridge(alpha=3.0, fit_intercept=False).fit(x, y)
emit("diabetes_ridge_no_intercept", m.coef_, 0.0, np.sum((y - m.predict(x)) ** 2) + 3.0 * np.sum(m.coef_ ** 2))


# ---- classification ----
def codes(labels):
    classes = sorted(set(labels))
    return np.array([classes.index(v) for v in labels]), classes


def logistic_objective(m, x, y, sw, penalty, c, l1_ratio):
    p = np.clip(m.predict_proba(x), 1e-300, 1.0)
    loss = -np.sum(sw * np.log(p[np.arange(len(y)), y]))
    coef = m.coef_
    if penalty == "l2":
        reg = 0.5 * np.sum(coef ** 2)
    elif penalty == "l1":
        reg = np.sum(np.abs(coef))
    elif penalty == "elasticnet":
        reg = l1_ratio * np.sum(np.abs(coef)) + 0.5 * (1 - l1_ratio) * np.sum(coef ** 2)
    else:
        reg = 0.0
    return c * loss + reg


def logistic_case(name, data, target, penalty, c, solver, l1_ratio=None, class_weight=None, sample_weight=False):
    x, labels, _ = load(data, target)
    x = standardise(x).astype(np.float64)
    y, _ = codes(labels)
    sw = weights(len(y)) if sample_weight else np.ones(len(y))
    kwargs = dict(penalty=penalty, solver=solver, tol=1e-12, max_iter=1000000, class_weight=class_weight,
                  random_state=0)
    if penalty != "none":
        kwargs["C"] = c
    if l1_ratio is not None:
        kwargs["l1_ratio"] = l1_ratio
    m = LogisticRegression(**kwargs).fit(x, y, sample_weight=sw if sample_weight else None)
    total_w = sw.copy()
    if class_weight == "balanced":
        counts = np.bincount(y)
        cw = len(y) / (len(counts) * counts)
        total_w = total_w * cw[y]
    c_eff = c if penalty != "none" else 1.0
    emit(name, m.coef_, m.intercept_, logistic_objective(m, x, y, total_w, penalty, c_eff, l1_ratio),
         "iterations_sklearn " + str(int(np.max(m.n_iter_))))


logistic_case("breast_cancer_l2", "breast_cancer.csv", "diagnosis", "l2", 1.0, "newton-cholesky")
logistic_case("breast_cancer_l1", "breast_cancer.csv", "diagnosis", "l1", 0.5, "saga")
logistic_case("wine_multinomial_l2_weighted", "wine.csv", "cultivar", "l2", 0.5, "newton-cg", sample_weight=True)
logistic_case("iris_multinomial_enet", "iris.csv", "species", "elasticnet", 1.0, "saga", l1_ratio=0.5)
logistic_case("credit_balanced_l2", "credit_german.csv", "class", "l2", 0.1, "newton-cholesky", class_weight="balanced")
logistic_case("credit_none", "credit_german.csv", "class", "none", 1.0, "newton-cholesky")
