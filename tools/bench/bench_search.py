#!/usr/bin/python3
"""Hyperparameter search, ember against scikit-learn, in one script so that
both run on the same machine at the same time. Each case is a grid scored
by 5-fold stratified cross-validation; prints one JSON line per side and
case, the median wall time over the repeats. Needs Debian's
python3-sklearn; never needed to build or test ember.

    /usr/bin/python3 tools/bench/bench_search.py EMBER [--repeats 3] [--rows 20000]

EMBER is the built CLI (build/release/tools/ember).
"""
import argparse
import csv
import json
import os
import statistics
import subprocess
import tempfile
import time

import numpy as np
import sklearn
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV, StratifiedKFold
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

ap = argparse.ArgumentParser()
ap.add_argument("ember")
ap.add_argument("--repeats", type=int, default=3)
ap.add_argument("--rows", type=int, default=20000)
a = ap.parse_args()
tmp = tempfile.mkdtemp()


def load(path, target):
    rows = list(csv.reader(open(path)))
    h, rows = rows[0], rows[1:]
    t = h.index(target)
    x = np.array([[float(r[j]) for j in range(len(h)) if j != t] for r in rows], dtype=np.float32)
    labels = sorted(set(r[t] for r in rows))
    return x, np.array([labels.index(r[t]) for r in rows])


def timed(fn):
    times = []
    for _ in range(a.repeats):
        start = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), out


def ember(args):
    out = subprocess.run([a.ember, "search"] + args + ["--no-track", "--json", "-o", os.path.join(tmp, "best.ember")],
                         check=True, capture_output=True, text=True).stdout
    return json.loads(out)


def report(name, side, seconds, best, score):
    print(json.dumps({"name": "search %s, %s" % (name, side), "value": round(seconds, 3), "unit": "s",
                      "note": "median of %d; best %s, mean CV score %.4f" % (a.repeats, best, score)}))


synth = os.path.join(tmp, "synth.csv")
subprocess.run([a.ember, "synth", "-o", synth, "--task", "binary", "--rows", str(a.rows), "--features", "20",
                "--seed", "1"], check=True, capture_output=True)
cases = [
    ("logistic C x8, breast_cancer.csv", "tests/data/breast_cancer.csv", "diagnosis",
     ["--model", "logistic", "--param", "max_iter=1000", "--grid", "C=0.001,0.01,0.03,0.1,0.3,1,3,10"],
     make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000)),
     {"logisticregression__C": [0.001, 0.01, 0.03, 0.1, 0.3, 1, 3, 10]}),
    ("gbdt depth x lr (4), %d x 20 synthetic" % a.rows, synth, "target",
     ["--model", "gbdt", "--param", "n_estimators=50", "--grid", "max_depth=3,6 learning_rate=0.05,0.1"],
     HistGradientBoostingClassifier(max_iter=50, early_stopping=False, max_leaf_nodes=None),
     {"max_depth": [3, 6], "learning_rate": [0.05, 0.1]}),
]
for name, path, target, ember_args, est, grid in cases:
    x, y = load(path, target)
    for jobs in (1, 2):
        s, out = timed(lambda: ember([path, "--target", target, "--jobs", str(jobs)] + ember_args))
        report(name, "ember (%d threads)" % jobs, s, out["best"]["params"], out["best"]["mean"])
        g = GridSearchCV(est, grid, cv=StratifiedKFold(5), n_jobs=jobs, scoring="accuracy")
        s, g = timed(lambda: g.fit(x, y))
        report(name, "scikit-learn %s GridSearchCV (n_jobs=%d)" % (sklearn.__version__, jobs), s, g.best_params_,
               g.best_score_)
