#!/usr/bin/env python3
"""Reference values of ember's special functions (special_functions.h),
computed once with mpmath (1.3; any Python 3 with mpmath, e.g. the pyenv
python3 here, since /usr/bin/python3 has none) at 60 significant digits and
rounded to double
(tests/unit/test_feature_scores.cpp reads the output).

    python3 tests/data/reference/make_special_functions_reference.py > tests/data/reference/special_functions.txt

Each case is a line "case NAME" followed by one line per argument column
and one for the value, entry t of each line belonging to point t. Every
argument is a double (mpmath sees it exactly). Values below 1e-300 are left
out (ember's results lose precision in the subnormal range); values that
are exactly 0 or 1 in double are kept.

- log_gamma / digamma: away from their zeros (1 and 2; 1.4616...), where
  only an absolute error means something.
- gamma_q / gamma_p: SciPy's gammaincc / gammainc, a from 1e-3 to 1e6.
- beta_inc: SciPy's betainc.
- chi2_sf: chdtrc(dof, x) = Q(dof / 2, x / 2), including p-values near
  1e-300 (dof 1, x about 1380) and dof up to 1e6.
- f_sf: fdtrc(d1, d2, f) = I_{d2 / (d2 + d1 f)}(d2 / 2, d1 / 2), including
  huge F (p near 1e-300), d1 = 1 and d2 up to 1e6.
"""
import mpmath

mpmath.mp.dps = 60
FLOOR = 1e-300


def q(a, x):
    return mpmath.gammainc(mpmath.mpf(a), mpmath.mpf(x), mpmath.inf, regularized=True)


def p(a, x):
    # 1 - Q where Q is small enough for that to keep 60 digits; directly
    # otherwise (mpmath's lower series converges slowly for huge a).
    upper = q(a, x)
    if upper < 0.5:
        return 1 - upper
    # The power series x^a e^-x / Gamma(a + 1) * sum_k x^k / ((a + 1)...(a + k)),
    # summed until the terms no longer matter (x < a here, so they shrink).
    a, x = mpmath.mpf(a), mpmath.mpf(x)
    term, total, k = mpmath.mpf(1), mpmath.mpf(1), 0
    while term > total * mpmath.mpf(10) ** -70:
        k += 1
        term *= x / (a + k)
        total += term
    return mpmath.exp(a * mpmath.log(x) - x - mpmath.loggamma(a + 1)) * total if x > 0 else mpmath.mpf(0)


def ibeta_fraction(a, b, x):
    """I_x(a, b) from its continued fraction (modified Lentz), on the side
    of the mean where it converges, at the working precision."""
    if x > (a + 1) / (a + b + 2):
        return 1 - ibeta_fraction(b, a, 1 - x)
    tiny, eps = mpmath.mpf(10) ** -200, mpmath.mpf(10) ** -70
    c, d = mpmath.mpf(1), 1 - (a + b) * x / (a + 1)
    d = 1 / (d if abs(d) > tiny else tiny)
    h = d
    for m in range(1, 10**6):
        for num in (m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m)),
                    -(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 2 * m + 1))):
            d = 1 + num * d
            d = 1 / (d if abs(d) > tiny else tiny)
            c = 1 + num / c
            c = c if abs(c) > tiny else tiny
            h *= d * c
        if abs(d * c - 1) < eps:
            break
    log_front = a * mpmath.log(x) + b * mpmath.log1p(-x) - mpmath.log(mpmath.beta(a, b))
    return mpmath.exp(log_front) * h / a


def ibeta(a, b, x):
    a, b, x = mpmath.mpf(a), mpmath.mpf(b), mpmath.mpf(x)
    if x == 0 or x == 1:
        return x
    v = ibeta_fraction(a, b, x)
    # mpmath's own (hypergeometric) betainc agrees where it is quick; for
    # large a or b it does not converge in reasonable time.
    if a <= 100 and b <= 100:
        assert abs(v - mpmath.betainc(a, b, 0, x, regularized=True)) <= abs(v) * mpmath.mpf(10) ** -40, (a, b, x)
    return v


def chi2_sf(x, dof):
    return q(mpmath.mpf(dof) / 2, mpmath.mpf(x) / 2)


def f_sf(f, d1, d2):
    f, d1, d2 = mpmath.mpf(f), mpmath.mpf(d1), mpmath.mpf(d2)
    return ibeta(d2 / 2, d1 / 2, d2 / (d2 + d1 * f))


def emit(name, keys, points, fn):
    rows = []
    for point in points:
        v = float(fn(*point))
        if v == 0.0 or abs(v) >= FLOOR:
            rows.append(tuple(float(t) for t in point) + (v,))
    print("case", name)
    for i, key in enumerate(keys):
        print(key, " ".join(repr(r[i]) for r in rows))
    print()


print("# mpmath", mpmath.__version__, "at", mpmath.mp.dps, "digits")
print("# made by: python3 (with mpmath) tests/data/reference/make_special_functions_reference.py")
print()

xs = [1e-3, 0.1, 0.5, 0.9, 1.3, 1.6, 2.5, 3.0, 7.5, 10.0, 12.5, 30.0, 100.0, 1e3, 1e6, 1e10]
emit("log_gamma", ("x", "value"), [(x,) for x in xs], lambda x: mpmath.loggamma(mpmath.mpf(x)))
emit("digamma", ("x", "value"), [(x,) for x in xs], lambda x: mpmath.digamma(mpmath.mpf(x)))

shapes = [1e-3, 0.1, 0.5, 1.0, 1.5, 2.5, 7.0, 10.0, 30.5, 100.0, 1e3, 1e4, 1e5, 1e6]
ratios = [1e-3, 0.1, 0.5, 0.9, 0.99, 1.0, 1.01, 1.1, 2.0, 5.0, 20.0]
points = [(a, a * r) for a in shapes for r in ratios] + [(a, x) for a in shapes for x in (1e-3, 0.5, 3.0, 100.0)]
points += [(0.5, 600.0), (1.0, 690.0), (3.0, 680.0), (50.0, 750.0)]
emit("gamma_q", ("a", "x", "value"), points, q)
emit("gamma_p", ("a", "x", "value"), points, p)

betas = [1e-3, 0.5, 1.0, 2.5, 10.0, 100.0, 1e4, 1e6]
xs = [1e-6, 1e-3, 0.1, 0.3, 0.5, 0.7, 0.9, 0.999, 1 - 1e-6]
points = [(a, b, x) for a in betas for b in betas for x in xs]
# Near the mean a / (a + b) of large parameters.
points += [(1e4, 1e4, 0.5 + d) for d in (-0.02, -0.005, 0.0, 0.005, 0.02)]
points += [(500.0, 1500.0, 0.25 + d) for d in (-0.05, -0.01, 0.0, 0.01, 0.05)]
emit("beta_inc", ("a", "b", "x", "value"), points, ibeta)

dofs = [1.0, 2.0, 3.0, 4.0, 9.0, 25.0, 99.0, 1e3, 1e4, 1e6]
points = [(dof * r, dof) for dof in dofs for r in (1e-3, 0.2, 0.5, 1.0, 1.5, 3.0, 10.0)]
points += [(x, 1.0) for x in (1e-10, 1e-3, 3.841458820694124, 50.0, 700.0, 1300.0, 1370.0, 1380.0)]
points += [(x, 2.0) for x in (1e-10, 100.0, 1000.0, 1380.0)]
points += [(x, 9.0) for x in (1300.0, 1400.0)]
points += [(x, 1e6) for x in (9.9e5, 1.005e6, 1.01e6)]
emit("chi2_sf", ("x", "dof", "value"), points, chi2_sf)

d1s = [1.0, 2.0, 3.0, 9.0, 40.0, 1e3]
d2s = [1.0, 2.0, 5.0, 30.0, 147.0, 1e3, 1e6]
points = [(f, d1, d2) for d1 in d1s for d2 in d2s for f in (1e-4, 0.1, 0.5, 1.0, 2.0, 5.0, 30.0, 1e3)]
# Huge F: p-values down to about 1e-300.
points += [(f, 1.0, 440.0) for f in (1e4, 1e5, 1e6)]
points += [(f, 2.0, 147.0) for f in (1e4, 1e6, 1e8)]
points += [(f, 1.0, 1e6) for f in (100.0, 1000.0, 1300.0)]
points += [(f, 12.0, 1e3) for f in (50.0, 200.0)]
points += [(f, 1.0, 2.0) for f in (1e10, 1e100, 1e300)]
emit("f_sf", ("f", "d1", "d2", "value"), points, f_sf)
