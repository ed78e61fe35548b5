#!/usr/bin/python3
"""scikit-learn's side of the logistic fit benchmark: LogisticRegression()
with its defaults (lbfgs, l2, C=1, tol=1e-4, max_iter=100) on the matrix that
bench_fit --export wrote. Prints one JSON line like bench_fit --json.

    /usr/bin/python3 tools/bench/fit_sklearn.py DATA.bin NAME [REPEATS]
"""
import json
import statistics
import sys
import time
import tracemalloc
import warnings

import numpy as np
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression

path, name = sys.argv[1], sys.argv[2]
repeats = int(sys.argv[3]) if len(sys.argv) > 3 else 5
with open(path, "rb") as f:
    n, d, k = np.frombuffer(f.read(24), dtype=np.uint64)
    x = np.frombuffer(f.read(int(n * d) * 4), dtype=np.float32).reshape(int(n), int(d)).astype(np.float64)
    y = np.frombuffer(f.read(int(n) * 4), dtype=np.int32)
warnings.simplefilter("ignore", ConvergenceWarning)
times = []
for _ in range(repeats):
    start = time.perf_counter()
    m = LogisticRegression().fit(x, y)
    times.append(time.perf_counter() - start)
tracemalloc.start()
m = LogisticRegression().fit(x, y)
_, peak = tracemalloc.get_traced_memory()
tracemalloc.stop()
p = np.clip(m.predict_proba(x), 1e-300, 1)
objective = -np.sum(np.log(p[np.arange(len(y)), y])) + 0.5 * np.sum(m.coef_ ** 2)
print(json.dumps({
    "name": "logistic fit, scikit-learn lbfgs (%s)" % name,
    "value": round(statistics.median(times) * 1e3, 2),
    "unit": "ms",
    "note": "%d iterations, objective %.6f, peak Python allocations %d bytes beside the %d-byte float64 matrix"
            % (int(np.max(m.n_iter_)), objective, peak, x.nbytes),
}, separators=(",", ":")))
