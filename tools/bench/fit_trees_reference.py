#!/usr/bin/python3
"""The reference side of the tree benchmarks, on the rows bench_trees
--export-train/--export-test wrote: XGBoost's hist method (gbdt) or
scikit-learn's RandomForestClassifier (forest), with the same settings.
Prints one JSON line like bench_trees --json. Needs Debian's python3-xgboost
or python3-sklearn; never needed to build or test ember.

    /usr/bin/python3 tools/bench/fit_trees_reference.py gbdt|forest TRAIN TEST
        [--trees 100] [--depth 6] [--threads 2] [--repeats 3]
"""
import argparse
import json
import resource
import statistics
import time

import numpy as np


def load(path):
    with open(path, "rb") as f:
        n, d, _ = (int(v) for v in np.frombuffer(f.read(24), dtype=np.uint64))
        x = np.frombuffer(f.read(n * d * 4), dtype=np.float32).reshape(n, d)
        y = np.frombuffer(f.read(n * 4), dtype=np.int32)
    return x, y


def rss_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


ap = argparse.ArgumentParser()
ap.add_argument("model", choices=["gbdt", "forest"])
ap.add_argument("train")
ap.add_argument("test")
ap.add_argument("--trees", type=int, default=100)
ap.add_argument("--depth", type=int, default=6)
ap.add_argument("--threads", type=int, default=2)
ap.add_argument("--repeats", type=int, default=3)
a = ap.parse_args()
x, y = load(a.train)
xt, yt = load(a.test)
from sklearn.metrics import roc_auc_score  # noqa: E402

loaded = rss_mb()
times = []
if a.model == "gbdt":
    import xgboost as xgb

    params = {"tree_method": "hist", "max_depth": a.depth, "eta": 0.1, "max_bin": 256,
              "objective": "binary:logistic", "nthread": a.threads, "lambda": 1.0,
              "min_child_weight": 1.0}
    for _ in range(a.repeats):
        start = time.perf_counter()
        dtrain = xgb.DMatrix(x, label=y, nthread=a.threads)
        booster = xgb.train(params, dtrain, num_boost_round=a.trees)
        times.append(time.perf_counter() - start)
    p = booster.predict(xgb.DMatrix(xt, nthread=a.threads))
    name = "gbdt fit, XGBoost %s hist (%d x %d, %d trees, depth %d, %d threads)" % (
        xgb.__version__, x.shape[0], x.shape[1], a.trees, a.depth, a.threads)
else:
    from sklearn.ensemble import RandomForestClassifier
    import sklearn

    for _ in range(a.repeats):
        start = time.perf_counter()
        m = RandomForestClassifier(n_estimators=a.trees, n_jobs=a.threads, random_state=0).fit(x, y)
        times.append(time.perf_counter() - start)
    p = m.predict_proba(xt)[:, 1]
    name = "random forest fit, scikit-learn %s (%d x %d, %d trees, %d threads)" % (
        sklearn.__version__, x.shape[0], x.shape[1], a.trees, a.threads)
auc = roc_auc_score(yt, p)
peak = rss_mb()
print(json.dumps({
    "name": name, "value": round(statistics.median(times), 3), "unit": "s", "auc": round(auc, 6),
    "peak_rss_mb": round(peak, 1), "training_rss_mb": round(peak - loaded, 1),
    "note": "median of %d; test AUC %.4f; peak RSS %.0f MB (%.0f MB over the loaded data)" % (
        a.repeats, auc, peak, peak - loaded)}))
