#!/usr/bin/python3
"""Reference statistics for ember's preprocessing fitters, made once with
scikit-learn (tests/unit/test_preprocess.cpp reads the output).

    /usr/bin/python3 tests/data/reference/make_preprocess_reference.py > tests/data/reference/preprocess.txt

Each case is a line "case NAME" followed by "key v1 v2 ..." lines. The data
are the bundled CSV files' numeric columns (missing values as NaN), read as
float32 as ember reads them, then widened to float64.
"""
import csv
import sys

import numpy as np
import sklearn
from sklearn.impute import MissingIndicator, SimpleImputer
from sklearn.preprocessing import MaxAbsScaler, MinMaxScaler, RobustScaler, StandardScaler

DATA = "tests/data/"


def numeric(name, drop=()):
    with open(DATA + name, newline="") as f:
        rows = list(csv.reader(f))
    header, rows = rows[0], rows[1:]
    cols = []
    for j, h in enumerate(header):
        if h in drop:
            continue
        try:
            [float(r[j]) for r in rows if r[j] not in ("", "NA")]
            cols.append(j)
        except ValueError:
            pass
    x = np.array([[np.nan if r[j] in ("", "NA") else float(r[j]) for j in cols] for r in rows])
    return x.astype(np.float32).astype(np.float64), [header[j] for j in cols]


def emit(name, **values):
    print("case", name)
    for key, v in values.items():
        print(key, " ".join(repr(float(t)) for t in np.ravel(v)))
    print()


print("# scikit-learn", sklearn.__version__, "numpy", np.__version__)
print("# made by: /usr/bin/python3 tests/data/reference/make_preprocess_reference.py")
print()
x, names = numeric("airquality.csv")
print("# airquality.csv columns:", " ".join(names))
print()
for strategy in ("mean", "median", "most_frequent"):
    emit("airquality_impute_" + strategy, fill=SimpleImputer(strategy=strategy).fit(x).statistics_)
emit("airquality_indicator", columns=MissingIndicator(features="missing-only").fit(x).features_)
s = StandardScaler().fit(x)
emit("airquality_standard", offset=s.mean_, spread=s.scale_)
m = MinMaxScaler(feature_range=(-1, 2)).fit(x)
emit("airquality_minmax", scale=m.scale_, min=m.min_)
r = RobustScaler(quantile_range=(10, 90)).fit(x)
emit("airquality_robust", offset=r.center_, spread=r.scale_)
a = MaxAbsScaler().fit(x)
emit("airquality_maxabs", spread=a.scale_)

# KBinsDiscretizer on the diabetes features (no missing values); "sex" has
# two values, so its quantile bins collapse. Inner edges of every column,
# concatenated, and their counts.
from sklearn.preprocessing import KBinsDiscretizer  # noqa: E402

x, names = numeric("diabetes.csv", drop=("progression",))
print("# diabetes.csv columns:", " ".join(names))
print()
for strategy in ("uniform", "quantile", "kmeans"):
    k = KBinsDiscretizer(n_bins=5, encode="ordinal", strategy=strategy, subsample=None).fit(x)
    inner = [e[1:-1] for e in k.bin_edges_]
    emit("diabetes_bins_" + strategy, n_edges=[len(e) for e in inner], edges=np.concatenate(inner))
