#!/usr/bin/python3
"""Reference values for tests/unit/test_metrics.cpp, made once with scikit-learn 1.2.1.

    /usr/bin/python3 tests/data/reference/metrics.py

prints one `name = value` line per constant, pasted into the test as it is.
The data below are the test's arrays, literally. Every float goes through
float32 first (the type ember reads) and then float64, so scikit-learn sees
exactly the values ember sees and the comparison is of the arithmetic only.
log_loss is called with eps=1e-15 and labels=range(K), the definition ember
implements (scikit-learn 1.2's own default is eps="auto").
"""
import numpy as np
import sklearn
from sklearn.metrics import (accuracy_score, average_precision_score, balanced_accuracy_score, brier_score_loss,
                             confusion_matrix, explained_variance_score, log_loss, matthews_corrcoef,
                             mean_absolute_error, mean_absolute_percentage_error, mean_squared_error,
                             median_absolute_error, precision_recall_fscore_support, r2_score, roc_auc_score)


def f32(values):
    return np.asarray(values, dtype=np.float32).astype(np.float64)


# Binary: scores with ties inside and across the classes; weights with a 0.
BIN_Y = [1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 1, 1, 0, 0, 1, 0, 1, 0, 0]
BIN_SCORE = [0.725, 0.275, 0.275, 0.275, 0.613, 0.275, 0.838, 0.388, 0.388, 0.5,
             0.5, 0.5, 0.5, 0.838, 0.725, 0.725, 0.613, 0.5, 0.275, 0.838]
BIN_W = [1.0, 0.5, 1.75, 0.0, 1.75, 1.25, 0.25, 0.25, 1.0, 0.25,
         0.5, 1.25, 2.0, 1.0, 1.75, 2.0, 1.75, 1.5, 1.0, 1.25]
# The binary labels predicted by thresholding the scores at 0.5 (for accuracy).
BIN_PRED = [int(s >= 0.5) for s in BIN_SCORE]

# Three classes: rows sum to 1 (to 2 decimals), ties within columns.
MC_Y = [0, 1, 1, 0, 2, 0, 0, 0, 2, 2, 2, 0, 2, 1, 1]
MC_P = [[0.08, 0.38, 0.54], [0.46, 0.15, 0.39], [0.16, 0.42, 0.42], [0.13, 0.33, 0.54],
        [0.37, 0.32, 0.31], [0.09, 0.55, 0.36], [0.12, 0.25, 0.63], [0.38, 0.31, 0.31],
        [0.44, 0.38, 0.18], [0.5, 0.42, 0.08], [0.09, 0.55, 0.36], [0.5, 0.3, 0.2],
        [0.15, 0.31, 0.54], [0.31, 0.31, 0.38], [0.47, 0.24, 0.29]]
MC_W = [2.0, 2.5, 2.0, 3.0, 2.5, 3.0, 4.0, 1.0, 2.5, 2.0, 1.5, 1.0, 0.5, 2.0, 3.5]

# log_loss: rows that do not sum to 1, a 0 on the true class (row 1), a 1
# (row 2, clipped to 1 - 1e-15) and an entry above 1 (row 4).
LL_Y = [0, 1, 2, 2, 0, 1]
LL_P = [[0.7, 0.2, 0.2], [1.0, 0.0, 0.0], [0.0, 0.0, 1.0], [0.3, 0.3, 0.3], [1.5, 0.25, 0.25],
        [0.1, 0.6, 0.2]]
LL_W = [1.0, 0.5, 2.0, 1.5, 1.0, 3.0]

# Regression, with a zero weight.
REG_TRUE = [3.0, -0.5, 2.0, 7.0, 4.25, 1.5, -2.0, 0.75, 5.5, 3.3]
REG_PRED = [2.5, 0.0, 2.0, 8.0, 4.0, 1.0, -1.5, 1.0, 6.0, 2.9]
REG_W = [1.0, 2.0, 0.5, 0.0, 1.5, 3.0, 1.0, 2.5, 0.25, 1.0]


# ---- Label metrics: confusion matrices and what is derived from them ----
# Multiclass predictions: the argmax of MC_P (first maximum on ties).
MC_PRED = [int(np.argmax(row)) for row in MC_P]
# Class 3 is predicted but never true (a class absent from the evaluation
# rows); class 2 is true but never predicted (precision 0/0 -> 0).
ABS_Y = [0, 0, 1, 1, 1, 2, 2, 0, 1, 0]
ABS_PRED = [0, 3, 1, 0, 1, 1, 0, 0, 3, 0]
ABS_W = [1.0, 2.0, 0.5, 1.5, 1.0, 2.5, 1.0, 0.25, 3.0, 1.0]


def label_metrics(prefix, y, pred, w, binary):
    w = None if w is None else f32(w)
    out[prefix + "BalancedAccuracy"] = balanced_accuracy_score(y, pred, sample_weight=w)
    out[prefix + "Mcc"] = matthews_corrcoef(y, pred, sample_weight=w)
    averages = ["binary", "macro", "micro", "weighted"] if binary else ["macro", "micro", "weighted"]
    for avg in averages:
        p, r, f, _ = precision_recall_fscore_support(y, pred, average=avg, sample_weight=w, zero_division=0)
        name = avg.capitalize()
        out[prefix + "Precision" + name] = p
        out[prefix + "Recall" + name] = r
        out[prefix + "F1" + name] = f


print("# scikit-learn", sklearn.__version__, "numpy", np.__version__)
out = {}
out["kAccuracy"] = accuracy_score(BIN_Y, BIN_PRED)
out["kAccuracyWeighted"] = accuracy_score(BIN_Y, BIN_PRED, sample_weight=f32(BIN_W))
out["kAuc"] = roc_auc_score(BIN_Y, f32(BIN_SCORE))
out["kAucWeighted"] = roc_auc_score(BIN_Y, f32(BIN_SCORE), sample_weight=f32(BIN_W))
out["kOvr"] = roc_auc_score(MC_Y, f32(MC_P), multi_class="ovr", average="macro")
out["kOvrWeighted"] = roc_auc_score(MC_Y, f32(MC_P), multi_class="ovr", average="macro", sample_weight=f32(MC_W))
out["kMcLogLoss"] = log_loss(MC_Y, f32(MC_P), eps=1e-15, labels=[0, 1, 2])
out["kMcLogLossWeighted"] = log_loss(MC_Y, f32(MC_P), eps=1e-15, labels=[0, 1, 2], sample_weight=f32(MC_W))
out["kLogLoss"] = log_loss(LL_Y, f32(LL_P), eps=1e-15, labels=[0, 1, 2])
out["kLogLossWeighted"] = log_loss(LL_Y, f32(LL_P), eps=1e-15, labels=[0, 1, 2], sample_weight=f32(LL_W))
out["kRmse"] = mean_squared_error(f32(REG_TRUE), f32(REG_PRED), squared=False)
out["kRmseWeighted"] = mean_squared_error(f32(REG_TRUE), f32(REG_PRED), squared=False, sample_weight=f32(REG_W))
out["kMae"] = mean_absolute_error(f32(REG_TRUE), f32(REG_PRED))
out["kMaeWeighted"] = mean_absolute_error(f32(REG_TRUE), f32(REG_PRED), sample_weight=f32(REG_W))
out["kR2"] = r2_score(f32(REG_TRUE), f32(REG_PRED))
out["kR2Weighted"] = r2_score(f32(REG_TRUE), f32(REG_PRED), sample_weight=f32(REG_W))
# Constant y: 1.0 for perfect predictions, else 0.0 (force_finite).
out["kR2ConstantPerfect"] = r2_score(f32([2.0, 2.0, 2.0]), f32([2.0, 2.0, 2.0]))
out["kR2ConstantImperfect"] = r2_score(f32([2.0, 2.0, 2.0]), f32([2.0, 2.5, 2.0]))
label_metrics("kBin", BIN_Y, BIN_PRED, None, True)
label_metrics("kBinW", BIN_Y, BIN_PRED, BIN_W, True)
label_metrics("kMc", MC_Y, MC_PRED, None, False)
label_metrics("kMcW", MC_Y, MC_PRED, MC_W, False)
label_metrics("kAbs", ABS_Y, ABS_PRED, ABS_W, False)
print("# MC_PRED =", MC_PRED)
print("# confusion_matrix(MC_Y, MC_PRED, sample_weight=MC_W) =", confusion_matrix(MC_Y, MC_PRED, sample_weight=f32(MC_W)).tolist())
out["kAp"] = average_precision_score(BIN_Y, f32(BIN_SCORE))
out["kApWeighted"] = average_precision_score(BIN_Y, f32(BIN_SCORE), sample_weight=f32(BIN_W))
# Binary Brier: 1.2's brier_score_loss on the positive class's probability.
out["kBrier"] = brier_score_loss(BIN_Y, f32(BIN_SCORE))
out["kBrierWeighted"] = brier_score_loss(BIN_Y, f32(BIN_SCORE), sample_weight=f32(BIN_W))
# Multiclass Brier (scikit-learn 1.2 has none): numpy, from the definition.
onehot = np.eye(3)[MC_Y]
out["kMcBrier"] = np.average(((f32(MC_P) - onehot) ** 2).sum(axis=1))
out["kMcBrierWeighted"] = np.average(((f32(MC_P) - onehot) ** 2).sum(axis=1), weights=f32(MC_W))
out["kMse"] = mean_squared_error(f32(REG_TRUE), f32(REG_PRED))
out["kMseWeighted"] = mean_squared_error(f32(REG_TRUE), f32(REG_PRED), sample_weight=f32(REG_W))
out["kMedianAe"] = median_absolute_error(f32(REG_TRUE), f32(REG_PRED))
out["kMedianAeOdd"] = median_absolute_error(f32(REG_TRUE[:9]), f32(REG_PRED[:9]))
out["kMedianAeWeighted"] = median_absolute_error(f32(REG_TRUE), f32(REG_PRED), sample_weight=f32(REG_W))
out["kMape"] = mean_absolute_percentage_error(f32(REG_TRUE), f32(REG_PRED))
out["kMapeWeighted"] = mean_absolute_percentage_error(f32(REG_TRUE), f32(REG_PRED), sample_weight=f32(REG_W))
out["kExplainedVariance"] = explained_variance_score(f32(REG_TRUE), f32(REG_PRED))
out["kExplainedVarianceWeighted"] = explained_variance_score(f32(REG_TRUE), f32(REG_PRED), sample_weight=f32(REG_W))
for name, value in out.items():
    print(f"{name} = {float(value)!r}")
