#!/usr/bin/python3
"""Per-fold scores of scikit-learn's cross_validate for the pipelines that
`ember cv` fits (standardise, then the model), for tests/cli/test_cli_cv.cpp.

    /usr/bin/python3 tests/data/reference/cli_cv_reference.py

The splitters are unshuffled, so scikit-learn and ember use the same rows.
The output is quoted in the test.
"""
import csv

import numpy as np
import sklearn
from sklearn.linear_model import LinearRegression, LogisticRegression
from sklearn.model_selection import GroupKFold, StratifiedKFold, TimeSeriesSplit, cross_validate
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler


def load(name, target):
    rows = list(csv.reader(open("tests/data/" + name)))
    h, rows = rows[0], rows[1:]
    t = h.index(target)
    x = np.array([[float(r[j]) for j in range(len(h)) if j != t] for r in rows], dtype=np.float32).astype(float)
    return x, [r[t] for r in rows]


def show(name, res, keys):
    for k in keys:
        print(name, k, " ".join(repr(float(v)) for v in res["test_" + k]))


print("# scikit-learn", sklearn.__version__)
logistic = make_pipeline(StandardScaler(), LogisticRegression(tol=1e-8, max_iter=10000))
x, y = load("iris.csv", "species")
yi = np.array([sorted(set(y)).index(v) for v in y])
res = cross_validate(logistic, x, yi, cv=StratifiedKFold(5), scoring=["accuracy", "neg_log_loss", "f1_macro"])
show("iris stratified5", res, ["accuracy", "neg_log_loss", "f1_macro"])
# Groups: row i of iris.csv is in group i % 7 (the test writes that column).
groups = np.arange(len(yi)) % 7
res = cross_validate(logistic, x, yi, cv=GroupKFold(3), groups=groups, scoring=["accuracy", "neg_log_loss"])
show("iris group3", res, ["accuracy", "neg_log_loss"])
x, y = load("diabetes.csv", "progression")
yv = np.array([float(v) for v in y])
res = cross_validate(make_pipeline(StandardScaler(), LinearRegression()), x, yv, cv=TimeSeriesSplit(4, gap=10),
                     scoring=["r2", "neg_root_mean_squared_error"])
show("diabetes time4 gap10", res, ["r2", "neg_root_mean_squared_error"])
