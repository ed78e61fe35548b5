#!/usr/bin/python3
"""Reference numbers for `ember search` (tests/cli/test_cli_search.cpp and
tests/unit/test_host_util.cpp), made once with scikit-learn 1.2.1:

    /usr/bin/python3 tests/data/reference/cli_search_reference.py

GridSearchCV over the pipelines `ember search` builds (standardise, then
the model) with unshuffled folds, so both score the same rows; and the
row schedules of HalvingGridSearchCV (n_resources_) for a few sizes.
The output is quoted in the tests.
"""
import csv

import numpy as np
import sklearn
from sklearn.experimental import enable_halving_search_cv  # noqa: F401
from sklearn.linear_model import Lasso, LogisticRegression
from sklearn.model_selection import GridSearchCV, HalvingGridSearchCV, KFold, StratifiedKFold
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.tree import DecisionTreeClassifier


def load(name, target):
    rows = list(csv.reader(open("tests/data/" + name)))
    h, rows = rows[0], rows[1:]
    t = h.index(target)
    x = np.array([[float(r[j]) for j in range(len(h)) if j != t] for r in rows], dtype=np.float32).astype(float)
    return x, [r[t] for r in rows]


print("# scikit-learn", sklearn.__version__)
x, y = load("breast_cancer.csv", "diagnosis")
yi = np.array([sorted(set(y)).index(v) for v in y])
g = GridSearchCV(make_pipeline(StandardScaler(), LogisticRegression(tol=1e-8, max_iter=10000)),
                 {"logisticregression__C": [0.01, 0.1, 1, 10]}, cv=StratifiedKFold(5), scoring="accuracy").fit(x, yi)
print("bc logistic C=0.01,0.1,1,10 accuracy", " ".join(repr(v) for v in g.cv_results_["mean_test_score"]),
      "best", g.best_params_)
g = GridSearchCV(make_pipeline(StandardScaler(), LogisticRegression(tol=1e-8, max_iter=10000)),
                 {"logisticregression__C": [0.01, 0.1, 1, 10]}, cv=StratifiedKFold(5),
                 scoring="neg_log_loss").fit(x, yi)
print("bc logistic C=0.01,0.1,1,10 logloss", " ".join(repr(-v) for v in g.cv_results_["mean_test_score"]),
      "best", g.best_params_)
x, y = load("diabetes.csv", "progression")
yv = np.array([float(v) for v in y])
g = GridSearchCV(make_pipeline(StandardScaler(), Lasso(tol=1e-10, max_iter=100000)),
                 {"lasso__alpha": [0.1, 1, 3, 10]}, cv=KFold(5), scoring="r2").fit(x, yv)
print("diabetes lasso alpha=0.1,1,3,10 r2", " ".join(repr(v) for v in g.cv_results_["mean_test_score"]),
      "std", " ".join(repr(v) for v in g.cv_results_["std_test_score"]), "best", g.best_params_)
# Halving schedules: n candidates on the rows of a file, 5 folds.
for name, target, n_cand, factor in [("diabetes.csv", "progression", 9, 3), ("iris.csv", "species", 8, 2),
                                     ("breast_cancer.csv", "diagnosis", 30, 3), ("iris.csv", "species", 40, 3)]:
    x, y = load(name, target)
    classes = target != "progression"
    est = DecisionTreeClassifier() if classes else Lasso()
    yy = np.array([sorted(set(y)).index(v) for v in y]) if classes else np.array([float(v) for v in y])
    grid = {"max_depth" if classes else "alpha": list(range(1, n_cand + 1))}
    h = HalvingGridSearchCV(est, grid, factor=factor, cv=5, random_state=0).fit(x, yy)
    print("halving", name, n_cand, "candidates factor", factor, "n_resources_", h.n_resources_,
          "n_candidates_", h.n_candidates_)
