#!/usr/bin/python3
"""Reference statistics for `ember describe` (host/data_profile.h), made once
with NumPy and SciPy (tests/unit/test_data_profile.cpp reads the output).

    /usr/bin/python3 tests/data/reference/make_describe_reference.py > tests/data/reference/describe.txt

The data are the bundled CSV files read as ember reads them: a column is
numeric when every present cell is a number; missing cells are "", NA, N/A,
NaN, nan, ?, null. Numeric values are rounded to float32 (as ember holds
them) and widened to float64 before any statistic. Definitions, as pandas:
std with ddof=1; quartiles by numpy.percentile's default linear
interpolation; skew = scipy.stats.skew(bias=False) (pandas' G1); zeros = the
share of present values equal to 0; correlation = Pearson over the rows
where both columns are present (pandas' DataFrame.corr); VIF = the diagonal
of numpy.linalg.inv of the correlation matrix of the numeric features
(target left out) over their complete rows.

Each case is a line "case NAME" followed by "key v1 v2 ..." lines:
  rows N
  colJ   missing distinct mean std min q25 median q75 max skew zeros   (numeric column J)
  catJ   missing distinct, then the counts of the top 5 categories     (categorical column J)
  classes  the target's class counts, in label (or value) order
  corr   the k x k correlation matrix of the numeric columns (target included)
  pairs  a b r for the 10 feature pairs of largest |r| (column indices)
  vif_rows N, vif  one VIF per numeric feature
"""
import csv
import sys

import numpy as np
import scipy
import scipy.stats

DATA = "tests/data/"
MISSING = {"", "NA", "N/A", "NaN", "nan", "?", "null"}
CASES = [
    ("iris", "species"),
    ("breast_cancer", "diagnosis"),
    ("airquality", "Month"),
    ("penguins", "species"),
    ("diabetes", "progression"),
]


def is_number(s):
    try:
        float(s)
        return True
    except ValueError:
        return False


def read(name):
    with open(DATA + name + ".csv", newline="", encoding="utf-8-sig") as f:
        rows = [r for r in csv.reader(f) if r]
    header, rows = rows[0], rows[1:]
    columns = []
    for j, h in enumerate(header):
        cells = [r[j].strip() for r in rows]
        present = [c for c in cells if c not in MISSING]
        if all(is_number(c) for c in present):
            x = np.array([np.nan if c in MISSING else float(c) for c in cells])
            columns.append((h, "numeric", x.astype(np.float32).astype(np.float64)))
        else:
            columns.append((h, "categorical", [None if c in MISSING else c for c in cells]))
    return columns, len(rows)


def fmt(values):
    return " ".join(repr(float(v)) for v in values)


def numeric_stats(x):
    p = x[~np.isnan(x)]
    q25, median, q75 = np.percentile(p, [25, 50, 75])
    skew = 0.0 if np.all(p == p[0]) else scipy.stats.skew(p, bias=False)
    return [np.isnan(x).sum(), len(np.unique(p)), p.mean(), p.std(ddof=1), p.min(), q25, median, q75, p.max(),
            skew, np.mean(p == 0.0)]


def pearson(a, b):
    both = ~np.isnan(a) & ~np.isnan(b)
    return np.corrcoef(a[both], b[both])[0, 1]


def main():
    print("# numpy", np.__version__, "scipy", scipy.__version__)
    print("# made by: /usr/bin/python3 tests/data/reference/make_describe_reference.py")
    for name, target in CASES:
        columns, rows = read(name)
        print()
        print("#", name + ".csv target", target, "columns:", " ".join(c[0] for c in columns))
        print("case", name)
        print("rows", rows)
        t = [c[0] for c in columns].index(target)
        numeric = []
        for j, (h, kind, x) in enumerate(columns):
            if kind == "numeric":
                numeric.append(j)
                print("col%d" % j, fmt(numeric_stats(x)))
            else:
                present = [v for v in x if v is not None]
                labels = sorted(set(present))
                counts = sorted(((-present.count(l), l) for l in labels))[:5]
                print("# top of", h + ":", " ".join("%s=%d" % (l, -n) for n, l in counts))
                print("cat%d" % j, fmt([len(x) - len(present), len(labels)] + [-n for n, _ in counts]))
        tx = columns[t][2]
        if columns[t][1] == "categorical":
            present = [v for v in tx if v is not None]
            labels = sorted(set(present))
            print("# classes:", " ".join(labels))
            print("classes", fmt(present.count(l) for l in labels))
        else:
            values, counts = np.unique(tx[~np.isnan(tx)], return_counts=True)
            if len(values) <= 10 and np.all(np.floor(values) == values):
                print("# classes:", " ".join("%g" % v for v in values))
                print("classes", fmt(counts))
        k = len(numeric)
        corr = np.array([[pearson(columns[a][2], columns[b][2]) for b in numeric] for a in numeric])
        print("corr", fmt(corr.ravel()))
        features = [j for j in numeric if j != t]
        pairs = [(a, b, corr[numeric.index(a), numeric.index(b)])
                 for i, a in enumerate(features) for b in features[i + 1:]]
        pairs.sort(key=lambda p: -abs(p[2]))
        print("pairs", fmt(v for p in pairs[:10] for v in p))
        x = np.column_stack([columns[j][2] for j in features])
        complete = x[~np.isnan(x).any(axis=1)]
        print("vif_rows", len(complete))
        print("vif", fmt(np.diag(np.linalg.inv(np.corrcoef(complete, rowvar=False)))))


if __name__ == "__main__":
    sys.exit(main())
