#!/usr/bin/python3
"""Training-set metrics of scikit-learn pipelines equivalent to `ember train`
with pipeline flags, for tests/cli/test_cli_pipeline.cpp. ember's steps run
in a fixed order (impute, encode, discretize, scale); each case below builds
the same columns with scikit-learn (their order differs, which a linear
model does not see).

    /usr/bin/python3 tests/data/reference/cli_pipeline_reference.py

scikit-learn 1.2.1 printed:
    (see the end of this file)
"""
import csv

import numpy as np
from sklearn.compose import ColumnTransformer
from sklearn.impute import MissingIndicator, SimpleImputer
from sklearn.linear_model import LinearRegression, LogisticRegression, Ridge
from sklearn.metrics import accuracy_score, log_loss, mean_squared_error, r2_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import KBinsDiscretizer, MinMaxScaler, OneHotEncoder, RobustScaler, StandardScaler

MISSING = {"", "NA", "N/A", "NaN", "nan", "?", "null"}


def load(name, target):
    rows = list(csv.reader(open("tests/data/" + name)))
    h, rows = rows[0], rows[1:]
    cols = {c: [r[j] for r in rows] for j, c in enumerate(h)}
    return h, cols


def numbers(values):
    # As ember reads them: float32, missing as NaN.
    return np.array([np.nan if v in MISSING else float(v) for v in values], dtype=np.float32).astype(float)


def strings(values):
    return np.array([None if v in MISSING else v for v in values], dtype=object)


# penguins: --impute mean:indicator=true --encode onehot:max_categories=2 --scale robust
h, c = load("penguins.csv", "species")
nums = ["bill_length_mm", "bill_depth_mm", "flipper_length_mm", "body_mass_g"]
cats = ["island", "sex"]
xn = np.column_stack([numbers(c[k]) for k in nums])
xc = np.column_stack([strings(c[k]) for k in cats])
x = np.empty((xn.shape[0], 6), dtype=object)
x[:, :4] = xn
x[:, 4:] = xc
classes = sorted(set(c["species"]))
y = np.array([classes.index(v) for v in c["species"]])
ct = ColumnTransformer([
    ("num", make_pipeline(SimpleImputer(strategy="mean"), RobustScaler()), [0, 1, 2, 3]),
    ("cat", make_pipeline(SimpleImputer(missing_values=None, strategy="most_frequent"),
                          OneHotEncoder(max_categories=2, handle_unknown="ignore", sparse_output=False)), [4, 5]),
    ("ind", MissingIndicator(features="missing-only"), [0, 1, 2, 3]),
    ("ind_cat", MissingIndicator(features="missing-only", missing_values=None), [4, 5]),
])
m = make_pipeline(ct, LogisticRegression(C=1.0, tol=1e-8, max_iter=10000)).fit(x, y)
p = m.predict_proba(x)
print("penguins", m[0].transform(x).shape[1], accuracy_score(y, m.predict(x)), log_loss(y, p))

# diabetes: --model linear --param penalty=l2 --discretize quantile:bins=4,output=onehot
h, c = load("diabetes.csv", "progression")
feats = [k for k in h if k != "progression"]
x = np.column_stack([numbers(c[k]) for k in feats])
yv = numbers(c["progression"])
# sex holds 1 and 2 only: its quantile bins collapse into one, which
# KBinsDiscretizer turns into a constant; ember keeps such a column as it is
# (a number, so the default standard scaling applies to it).
ct = ColumnTransformer([
    ("bins", KBinsDiscretizer(n_bins=4, encode="onehot-dense", strategy="quantile"), [0, 2, 3, 4, 5, 6, 7, 8, 9]),
    ("sex", StandardScaler(), [1]),
])
m = make_pipeline(ct, Ridge(alpha=1.0)).fit(x, yv)
q = m.predict(x)
print("diabetes", m[0].transform(x).shape[1], mean_squared_error(yv, q) ** 0.5, r2_score(yv, q))

# airquality (target Temp): --model linear --impute constant:fill=0 --scale minmax
h, c = load("airquality.csv", "Temp")
feats = [k for k in h if k != "Temp"]
x = np.column_stack([numbers(c[k]) for k in feats])
yv = numbers(c["Temp"])
m = make_pipeline(SimpleImputer(strategy="constant", fill_value=0), MinMaxScaler(), LinearRegression()).fit(x, yv)
q = m.predict(x)
print("airquality", m[0].transform(x).shape[1], mean_squared_error(yv, q) ** 0.5, r2_score(yv, q))

# breast_cancer (standardised, LogisticRegression) and diabetes (standardised,
# LinearRegression): the columns --select keeps.
from sklearn.feature_selection import RFE, RFECV, SelectKBest, SelectPercentile, chi2, f_classif, f_regression  # noqa: E402
from sklearn.linear_model import LogisticRegression as LR  # noqa: E402
from sklearn.preprocessing import StandardScaler  # noqa: E402

h, c = load("breast_cancer.csv", "diagnosis")
feats = [k for k in h if k != "diagnosis"]
x = np.column_stack([numbers(c[k]) for k in feats])
labels = sorted(set(c["diagnosis"]))
y = np.array([labels.index(v) for v in c["diagnosis"]])
z = StandardScaler().fit_transform(x)
names = np.array(feats)
print("bc_anova_p20", " ".join(names[SelectPercentile(f_classif, percentile=20).fit(z, y).get_support()]))
print("bc_chi2_k5", " ".join(names[SelectKBest(chi2, k=5).fit(MinMaxScaler().fit_transform(x), y).get_support()]))
print("bc_rfe_k5", " ".join(names[RFE(LR(), n_features_to_select=5).fit(z, y).get_support()]))
cv = RFECV(LR(), cv=5).fit(z, y)
print("bc_rfecv", cv.n_features_, " ".join(names[cv.get_support()]))

h, c = load("diabetes.csv", "progression")
feats = [k for k in h if k != "progression"]
x = np.column_stack([numbers(c[k]) for k in feats])
yv = numbers(c["progression"])
z = StandardScaler().fit_transform(x)
names = np.array(feats)
print("diabetes_f_k4", " ".join(names[SelectKBest(f_regression, k=4).fit(z, yv).get_support()]))
print("diabetes_rfe_k4", " ".join(names[RFE(LinearRegression(), n_features_to_select=4).fit(z, yv).get_support()]))
cv = RFECV(LinearRegression(), cv=5).fit(z, yv)
print("diabetes_rfecv", cv.n_features_, " ".join(names[cv.get_support()]))

# --select l1:alpha=A on diabetes (standardised): SelectFromModel(Lasso(A)),
# whose default threshold for an L1 model is 1e-5.
from sklearn.feature_selection import SelectFromModel, mutual_info_classif  # noqa: E402
from sklearn.linear_model import Lasso  # noqa: E402

for a in (1.0, 5.0):
    s = SelectFromModel(Lasso(alpha=a, tol=1e-12, max_iter=1000000)).fit(z, yv)
    print("diabetes_l1_%g" % a, " ".join(names[s.get_support()]))

# --select l1:alpha=0.01 with logistic on breast_cancer (standardised):
# L1 logistic regression with C = 1 / (alpha * rows), intercept not penalised.
h, c = load("breast_cancer.csv", "diagnosis")
feats = [k for k in h if k != "diagnosis"]
x = np.column_stack([numbers(c[k]) for k in feats])
y = np.array([labels.index(v) for v in c["diagnosis"]])
z = StandardScaler().fit_transform(x)
names = np.array(feats)
for a in (0.01, 0.05):
    lr = LogisticRegression(penalty="l1", solver="saga", C=1.0 / (a * len(y)), tol=1e-12, max_iter=200000)
    s = SelectFromModel(lr).fit(z, y)
    print("bc_l1_%g" % a, " ".join(names[s.get_support()]))

# --select mutual_info:k=5 on breast_cancer: the set for several noise seeds.
for seed in range(5):
    s = SelectKBest(lambda a, b: mutual_info_classif(a, b, random_state=seed), k=5).fit(z, y)
    print("bc_mi_k5_seed%d" % seed, " ".join(names[s.get_support()]))

# --project lda (after --scale standard), then LogisticRegression(C=1):
# training accuracy and log loss. The sign of a direction does not change
# a logistic fit.
from sklearn.discriminant_analysis import LinearDiscriminantAnalysis  # noqa: E402

for name, target in (("iris.csv", "species"), ("wine.csv", "cultivar")):
    h, c = load(name, target)
    feats = [k for k in h if k != target]
    x = np.column_stack([numbers(c[k]) for k in feats])
    classes = sorted(set(c[target]))
    y = np.array([classes.index(v) for v in c[target]])
    for n in (None, 1):
        m = make_pipeline(StandardScaler(), LinearDiscriminantAnalysis(n_components=n),
                          LogisticRegression(tol=1e-10, max_iter=10000)).fit(x, y)
        print("lda", name, n, accuracy_score(y, m.predict(x)), log_loss(y, m.predict_proba(x)))

# scikit-learn 1.2.1 printed:
#   penguins 13 0.9941860465116279 0.05078109168914557
#   diabetes 37 53.07221923378257 0.525005880659466
#   airquality 5 6.928614415547639 0.4606450870482187
#   bc_anova_p20 mean_perimeter mean_concave_points worst_radius worst_perimeter worst_area worst_concave_points
#   bc_chi2_k5 mean_concavity mean_concave_points worst_perimeter worst_area worst_concave_points
#   bc_rfe_k5 radius_error worst_radius worst_texture worst_area worst_concave_points
#   bc_rfecv 30 mean_radius mean_texture mean_perimeter mean_area mean_smoothness mean_compactness mean_concavity mean_concave_points mean_symmetry mean_fractal_dimension radius_error texture_error perimeter_error area_error smoothness_error compactness_error concavity_error concave_points_error symmetry_error fractal_dimension_error worst_radius worst_texture worst_perimeter worst_area worst_smoothness worst_compactness worst_concavity worst_concave_points worst_symmetry worst_fractal_dimension
#   diabetes_f_k4 bmi bp s4 s5
#   diabetes_rfe_k4 bmi s1 s2 s5
#   diabetes_rfecv 6 sex bmi bp s1 s2 s5
#   diabetes_l1_1 sex bmi bp s1 s3 s5 s6
#   diabetes_l1_5 sex bmi bp s3 s5
#   bc_l1_0.01 mean_texture mean_concave_points radius_error worst_radius worst_texture worst_smoothness worst_concavity worst_concave_points worst_symmetry
#   bc_l1_0.05 mean_concave_points worst_radius worst_texture worst_concave_points
#   bc_mi_k5_seed0 mean_concave_points worst_radius worst_perimeter worst_area worst_concave_points
#   bc_mi_k5_seed1 mean_concave_points worst_radius worst_perimeter worst_area worst_concave_points
#   bc_mi_k5_seed2 mean_concave_points worst_radius worst_perimeter worst_area worst_concave_points
#   bc_mi_k5_seed3 mean_concave_points worst_radius worst_perimeter worst_area worst_concave_points
#   bc_mi_k5_seed4 mean_concave_points worst_radius worst_perimeter worst_area worst_concave_points
#   lda iris.csv None 0.98 0.05375036337432553
#   lda iris.csv 1 0.9866666666666667 0.05656421762573778
#   lda wine.csv None 1.0 0.0180844935268496
#   lda wine.csv 1 0.9438202247191011 0.13180231181562707
