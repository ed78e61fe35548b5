#!/usr/bin/python3
"""Fold assignments of scikit-learn 1.2.1's splitters without shuffling, for
tests/unit/test_folds.cpp (pasted there as they are printed).

    /usr/bin/python3 tests/data/reference/folds.py

Each line is "name: fold of row 0, fold of row 1, ..." (the test fold of
each row), or for TimeSeriesSplit "train_end test_begin test_end" per split.
"""
import numpy as np
import sklearn
from sklearn.model_selection import GroupKFold, KFold, StratifiedKFold, TimeSeriesSplit


def folds_of(splitter, n, *args):
    fold = np.full(n, -1)
    for f, (_, test) in enumerate(splitter.split(np.zeros((n, 1)), *args)):
        fold[test] = f
    return ", ".join(str(v) for v in fold)


print("# scikit-learn", sklearn.__version__)
print("kfold 11 rows, 3 folds:", folds_of(KFold(3), 11))
# Classes by code 2, 0, 1 in order of first appearance; unequal sizes.
Y = [2, 0, 2, 1, 0, 2, 2, 1, 0, 2, 0, 2, 1, 2, 0, 2, 2]
print("stratified 3 folds, y =", Y, ":", folds_of(StratifiedKFold(3), len(Y), Y))
# One class (code 1) with fewer rows than folds: scikit-learn warns only.
Y2 = [0, 0, 0, 1, 0, 0, 2, 2, 2, 2, 0, 2]
print("stratified 4 folds, y =", Y2, ":", folds_of(StratifiedKFold(4), len(Y2), Y2, Y2))
# Groups of sizes 4, 2, 3, 1, 2 (codes 0..4): distinct sizes but for a tie.
G = [0, 1, 0, 2, 2, 0, 3, 1, 4, 2, 0, 4]
print("group 3 folds, groups =", G, ":", folds_of(GroupKFold(3), len(G), None, G))
for kw in [dict(n_splits=3), dict(n_splits=4, gap=2), dict(n_splits=2, test_size=3, gap=1)]:
    splits = [(int(tr[-1]) + 1 if len(tr) else 0, int(te[0]), int(te[-1]) + 1)
              for tr, te in TimeSeriesSplit(**kw).split(np.zeros((13, 1)))]
    print("time series 13 rows", kw, ":", splits)
