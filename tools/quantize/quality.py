#!/usr/bin/env python3
"""The README's table of what quantizing costs (README, "Quantizing").

Trains each model kind on the bundled data, quantizes it to 16-bit and
8-bit integer models with `ember quantize --json` (calibrated on the same
rows), and prints a Markdown table: float vs integer accuracy and AUC (or
RMSE), class agreement, the largest probability (or value) difference, and
the file sizes. The figures are quantize's report, which runs both models
through the runtime.

    tools/quantize/quality.py [build/release/tools/ember]
"""
import json
import os
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DATA = os.path.join(ROOT, "tests", "data")

CASES = [
    ("iris", "species", "logistic", []),
    ("penguins", "species", "logistic", []),
    ("breast_cancer", "diagnosis", "logistic", []),
    ("wine", "cultivar", "logistic", []),
    ("credit_german", "class", "logistic", []),
    ("digits", "digit", "logistic", []),
    ("penguins", "species", "logistic", ["--discretize", "quantile"]),
    ("diabetes", "progression", "linear", []),
    ("airquality", "Temp", "linear", []),
    ("iris", "species", "tree", []),
    ("penguins", "species", "forest", ["--param", "n_estimators=20"]),
    ("wine", "cultivar", "extra_trees", ["--param", "n_estimators=20"]),
    ("breast_cancer", "diagnosis", "gbdt", []),
    ("credit_german", "class", "gbdt", []),
    ("digits", "digit", "gbdt", ["--param", "n_estimators=20"]),
    ("penguins", "species", "gbdt", ["--discretize", "quantile"]),
    ("diabetes", "progression", "gbdt", []),
    ("diabetes", "progression", "forest", ["--param", "n_estimators=20"]),
]


def run(ember, args):
    r = subprocess.run([ember] + args, capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit("ember %s: %s" % (" ".join(args), r.stderr.strip()))
    return r.stdout


def main():
    ember = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "build", "release", "tools", "ember")
    out = tempfile.mkdtemp(prefix="ember-quantize-")
    print("| data set | model | metric | float | int16 | int8 | agreement int16 / int8 | max error int16 / int8 | bytes float / int16 |")
    print("|---|---|---|---:|---:|---:|---:|---:|---:|")
    for data, target, model, flags in CASES:
        csv = os.path.join(DATA, data + ".csv")
        name = os.path.join(out, "%s_%s%s" % (data, model, "_binned" if flags[:1] == ["--discretize"] else ""))
        run(ember, ["train", csv, "--target", target, "--model", model, "--no-track", "-o", name + ".ember"] + flags)
        reports = {}
        for bits in ([16, 8] if model in ("logistic", "linear") else [16]):
            reports[bits] = json.loads(run(ember, ["quantize", name + ".ember", "--calibration", csv, "--bits",
                                                  str(bits), "--json", "-o", "%s_q%d.ember" % (name, bits)]))
        q16, q8 = reports[16], reports.get(8)
        label = model + (" (binned)" if flags[:1] == ["--discretize"] else "")
        if "accuracy_float" in q16:
            rows = [("accuracy", "accuracy_float", "accuracy_integer", "%.4f")]
            if q16["auc_float"] is not None:
                rows.append(("AUC", "auc_float", "auc_integer", "%.4f"))
            agree = "%.2f%% / %s" % (100 * q16["agreement"], "%.2f%%" % (100 * q8["agreement"]) if q8 else "-")
            err = "%.2g / %s" % (q16["max_probability_error"], "%.2g" % q8["max_probability_error"] if q8 else "-")
        else:
            rows = [("RMSE", "rmse_float", "rmse_integer", "%.4f")]
            agree = "-"
            err = "%.2g / %s" % (q16["max_abs_error"], "%.2g" % q8["max_abs_error"] if q8 else "-")
        for i, (metric, kf, kq, fmt) in enumerate(rows):
            print("| %s | %s | %s | %s | %s | %s | %s | %s | %s |" % (
                data if i == 0 else "", label if i == 0 else "", metric, fmt % q16[kf], fmt % q16[kq],
                fmt % q8[kq] if q8 else "-", agree if i == 0 else "", err if i == 0 else "",
                "%d / %d" % (q16["bytes_float"], q16["bytes_integer"]) if i == 0 else ""))


if __name__ == "__main__":
    main()
