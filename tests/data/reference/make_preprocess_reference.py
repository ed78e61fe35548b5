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

# OneHotEncoder with an infrequent bucket on credit_german's categorical
# columns (codes = sorted labels, as ember's CSV reader assigns them): for
# each column, the output column of every code, the column count, and
# whether it has the infrequent column (1) or not (0).
from sklearn.preprocessing import OneHotEncoder  # noqa: E402

with open(DATA + "credit_german.csv", newline="") as f:
    rows = list(csv.reader(f))
header, rows = rows[0], rows[1:]
categorical = []
for j, h in enumerate(header):
    try:
        [float(r[j]) for r in rows]
    except ValueError:
        categorical.append(j)
print("# credit_german.csv categorical columns:", " ".join(header[j] for j in categorical))
print()
cats = np.array([[r[j] for j in categorical] for r in rows], dtype=object)
for options in ({"max_categories": 3}, {"min_frequency": 50}, {"max_categories": 4, "min_frequency": 30}):
    enc = OneHotEncoder(handle_unknown="infrequent_if_exist", sparse_output=False, **options).fit(cats)
    remap, n_out, infrequent = [], [], []
    for j, labels in enumerate(enc.categories_):
        probe = np.array([[enc.categories_[t][0] for t in range(len(categorical))] for _ in labels], dtype=object)
        probe[:, j] = labels
        out = enc.transform(probe)
        names = enc.get_feature_names_out()
        widths = [sum(n.startswith("x%d_" % t) for n in names) for t in range(len(categorical))]
        begin = sum(widths[:j])
        block = out[:, begin:begin + widths[j]]
        remap.extend(int(np.argmax(row)) for row in block)
        n_out.append(widths[j])
        infrequent.append(any(n.startswith("x%d_" % j) and n.endswith("_infrequent_sklearn") for n in names))
    name = "_".join("%s%d" % (k, v) for k, v in options.items())
    emit("credit_onehot_" + name, n_out=n_out, remap=remap, infrequent=infrequent)

# LinearDiscriminantAnalysis(solver="svd").transform of every row; its
# directions' signs are arbitrary, so the test compares up to a sign each.
from sklearn.discriminant_analysis import LinearDiscriminantAnalysis  # noqa: E402

for name, target, k in (("iris.csv", "species", 2), ("wine.csv", "cultivar", 2)):
    x, names = numeric(name, drop=(target,))
    with open(DATA + name, newline="") as f:
        rows = list(csv.reader(f))
    t = rows[0].index(target)
    labels = sorted(set(r[t] for r in rows[1:]))
    y = np.array([labels.index(r[t]) for r in rows[1:]])
    z = LinearDiscriminantAnalysis(n_components=k).fit(x, y).transform(x)
    emit(name.split(".")[0] + "_lda", rows=[len(x)], components=[k], z=z)
