#!/usr/bin/python3
"""Held-out quality of scikit-learn 1.2.1's default random forests on the
bundled data, with the split tests/cli/test_cli_trees.cpp uses (every fourth
row, i % 4 == 3, is the test set), mean over random_state 0..4.

    /usr/bin/python3 tests/data/reference/cli_trees_reference.py

printed:
    breast_cancer.csv rf acc 0.9704225352112676 0.9647887323943662 auc 0.9843098529734473
    wine.csv rf acc 0.9681818181818184 0.9545454545454546 auc 0.9975805733618234
    diabetes rf r2 0.3716862736349903 0.3575171673747598
    iris tree train acc 1.0
    breast_cancer.csv et acc 0.9633802816901408 0.9507042253521126 auc 0.9904323019530393
    wine.csv et acc 0.9772727272727273 0.9772727272727273 auc 1.0
    diabetes et r2 0.37094410631461566 0.35087946281043203
    breast_cancer.csv hgb acc 0.9577464788732394 auc 0.9907834101382489
    wine.csv hgb acc 0.9545454545454546 auc 0.9992877492877493
    diabetes hgb r2 0.33446615011943626
"""
import csv

import numpy as np
from sklearn.ensemble import HistGradientBoostingClassifier, HistGradientBoostingRegressor, ExtraTreesClassifier, ExtraTreesRegressor, RandomForestClassifier, RandomForestRegressor
from sklearn.metrics import accuracy_score, r2_score, roc_auc_score
from sklearn.tree import DecisionTreeClassifier


def load(name, target):
    rows = list(csv.reader(open("tests/data/" + name)))
    h, rows = rows[0], rows[1:]
    t = h.index(target)
    x = np.array([[float(r[j]) for j in range(len(h)) if j != t] for r in rows], dtype=np.float32)
    return x, [r[t] for r in rows]


for name, target in [("breast_cancer.csv", "diagnosis"), ("wine.csv", "cultivar")]:
    x, y = load(name, target)
    classes = sorted(set(y))
    y = np.array([classes.index(v) for v in y])
    test = np.arange(len(y)) % 4 == 3
    train = ~test
    accs, aucs = [], []
    for seed in range(5):
        m = RandomForestClassifier(random_state=seed).fit(x[train], y[train])
        p = m.predict_proba(x[test])
        accs.append(accuracy_score(y[test], m.predict(x[test])))
        aucs.append(roc_auc_score(y[test], p[:, 1]) if len(classes) == 2 else roc_auc_score(y[test], p, multi_class="ovr"))
    print(name, "rf acc", np.mean(accs), np.min(accs), "auc", np.mean(aucs))
x, y = load("diabetes.csv", "progression")
y = np.array([float(v) for v in y])
test = np.arange(len(y)) % 4 == 3
train = ~test
r2s = [r2_score(y[test], RandomForestRegressor(random_state=s).fit(x[train], y[train]).predict(x[test])) for s in range(5)]
print("diabetes rf r2", np.mean(r2s), np.min(r2s))
x, y = load("iris.csv", "species")
classes = sorted(set(y))
y = np.array([classes.index(v) for v in y])
print("iris tree train acc", accuracy_score(y, DecisionTreeClassifier(random_state=0).fit(x, y).predict(x)))

for name, target in [("breast_cancer.csv", "diagnosis"), ("wine.csv", "cultivar")]:
    x, y = load(name, target)
    classes = sorted(set(y))
    y = np.array([classes.index(v) for v in y])
    test = np.arange(len(y)) % 4 == 3
    train = ~test
    accs, aucs = [], []
    for seed in range(5):
        m = ExtraTreesClassifier(random_state=seed).fit(x[train], y[train])
        p = m.predict_proba(x[test])
        accs.append(accuracy_score(y[test], m.predict(x[test])))
        aucs.append(roc_auc_score(y[test], p[:, 1]) if len(classes) == 2 else roc_auc_score(y[test], p, multi_class="ovr"))
    print(name, "et acc", np.mean(accs), np.min(accs), "auc", np.mean(aucs))
x, y = load("diabetes.csv", "progression")
y = np.array([float(v) for v in y])
test = np.arange(len(y)) % 4 == 3
train = ~test
r2s = [r2_score(y[test], ExtraTreesRegressor(random_state=s).fit(x[train], y[train]).predict(x[test])) for s in range(5)]
print("diabetes et r2", np.mean(r2s), np.min(r2s))

for name, target in [("breast_cancer.csv", "diagnosis"), ("wine.csv", "cultivar")]:
    x, y = load(name, target)
    classes = sorted(set(y))
    y = np.array([classes.index(v) for v in y])
    test = np.arange(len(y)) % 4 == 3
    train = ~test
    m = HistGradientBoostingClassifier(random_state=0).fit(x[train], y[train])
    p = m.predict_proba(x[test])
    auc = roc_auc_score(y[test], p[:, 1]) if len(classes) == 2 else roc_auc_score(y[test], p, multi_class="ovr")
    print(name, "hgb acc", accuracy_score(y[test], m.predict(x[test])), "auc", auc)
x, y = load("diabetes.csv", "progression")
y = np.array([float(v) for v in y])
test = np.arange(len(y)) % 4 == 3
train = ~test
print("diabetes hgb r2", r2_score(y[test], HistGradientBoostingRegressor(random_state=0).fit(x[train], y[train]).predict(x[test])))
