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
