#!/usr/bin/python3
"""Training-set metrics of scikit-learn pipelines equivalent to `ember train`
(standardise, then the model), for tests/cli/test_cli_train.cpp.

    /usr/bin/python3 tests/data/reference/cli_train_reference.py

scikit-learn 1.2.1 printed:
    iris 0.9733333333333334 0.12954221543871705 0.9984666666666667
    bc 0.9876977152899824 0.0533920401073509 0.9974499233655727
    diab 53.631730281965915 43.47232163207802 0.5149378878270983
"""
import csv

import numpy as np
from sklearn.linear_model import Lasso, LogisticRegression
from sklearn.metrics import accuracy_score, log_loss, mean_absolute_error, mean_squared_error, r2_score, roc_auc_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler


def load(name, target):
    rows = list(csv.reader(open("tests/data/" + name)))
    h, rows = rows[0], rows[1:]
    t = h.index(target)
    x = np.array([[float(r[j]) for j in range(len(h)) if j != t] for r in rows], dtype=np.float32).astype(float)
    return x, [r[t] for r in rows]


x, y = load("iris.csv", "species")
classes = sorted(set(y))
yi = np.array([classes.index(v) for v in y])
m = make_pipeline(StandardScaler(), LogisticRegression(C=1.0, tol=1e-8, max_iter=10000)).fit(x, yi)
p = m.predict_proba(x)
print("iris", accuracy_score(yi, m.predict(x)), log_loss(yi, p), roc_auc_score(yi, p, multi_class="ovr"))
x, y = load("breast_cancer.csv", "diagnosis")
classes = sorted(set(y))
yi = np.array([classes.index(v) for v in y])
m = make_pipeline(StandardScaler(), LogisticRegression(C=1.0, tol=1e-8, max_iter=10000)).fit(x, yi)
p = m.predict_proba(x)
print("bc", accuracy_score(yi, m.predict(x)), log_loss(yi, p), roc_auc_score(yi, p[:, 1]))
x, y = load("diabetes.csv", "progression")
yv = np.array([float(v) for v in y])
m = make_pipeline(StandardScaler(), Lasso(alpha=0.5, tol=1e-10, max_iter=100000)).fit(x, yv)
q = m.predict(x)
print("diab", mean_squared_error(yv, q) ** 0.5, mean_absolute_error(yv, q), r2_score(yv, q))

# Every metric `ember eval` prints (tests/cli/test_cli_eval.cpp), for the
# same three models.
from sklearn.metrics import (average_precision_score, balanced_accuracy_score, brier_score_loss, confusion_matrix,
                             explained_variance_score, matthews_corrcoef, mean_absolute_percentage_error,
                             median_absolute_error, precision_recall_fscore_support)


def classes_report(name, yi, p):
    pred = p.argmax(axis=1)
    out = {"balanced_accuracy": balanced_accuracy_score(yi, pred), "mcc": matthews_corrcoef(yi, pred)}
    for avg in ["macro", "weighted"] + (["binary"] if p.shape[1] == 2 else []):
        pr, rc, f1, _ = precision_recall_fscore_support(yi, pred, average=avg, zero_division=0)
        suffix = "" if avg == "binary" else "_" + avg
        out["precision" + suffix], out["recall" + suffix], out["f1" + suffix] = pr, rc, f1
    if p.shape[1] == 2:
        out["brier"] = brier_score_loss(yi, p[:, 1])
        out["average_precision"] = average_precision_score(yi, p[:, 1])
    else:
        out["brier"] = np.mean(((p - np.eye(p.shape[1])[yi]) ** 2).sum(axis=1))
    print(name, " ".join(f"{k}={v!r}" for k, v in out.items()))
    print(name, "confusion", confusion_matrix(yi, pred).tolist())


for file, target in [("iris.csv", "species"), ("breast_cancer.csv", "diagnosis")]:
    x, y = load(file, target)
    classes = sorted(set(y))
    yi = np.array([classes.index(v) for v in y])
    m = make_pipeline(StandardScaler(), LogisticRegression(C=1.0, tol=1e-8, max_iter=10000)).fit(x, yi)
    classes_report(file, yi, m.predict_proba(x))
x, y = load("diabetes.csv", "progression")
yv = np.array([float(v) for v in y])
q = make_pipeline(StandardScaler(), Lasso(alpha=0.5, tol=1e-10, max_iter=100000)).fit(x, yv).predict(x)
print("diab", f"mse={mean_squared_error(yv, q)!r} median_ae={median_absolute_error(yv, q)!r}",
      f"mape={mean_absolute_percentage_error(yv, q)!r} explained_variance={explained_variance_score(yv, q)!r}")
