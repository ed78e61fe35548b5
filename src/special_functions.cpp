#include "ember/special_functions.h"

#include <cmath>
#include <limits>

#include "ember/base/portable_math.h"

namespace ember {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kHalfLogTwoPi = 0.91893853320467274178;  // ln(2 pi) / 2
constexpr double kTwoPi = 6.28318530717958647693;
constexpr double kTiny = 1e-300;  // keeps Lentz's continued fractions off zero
// Above this the asymptotic (Stirling) series are used; below, recurrences
// shift the argument up to it. At 10 the first omitted term is below 1e-17.
constexpr double kAsymptotic = 10.0;
// Iteration cap of the series and continued fractions. They need about
// 10 sqrt(a) steps where the argument is close to the mean, so this covers
// shape parameters up to about 1e9 and only stops a caller from hanging.
constexpr int kMaxIterations = 1000000;

// Stirling's correction omega(x) = ln Gamma(x) - ((x - 1/2) ln x - x +
// ln(2 pi) / 2) for x >= 10: sum of B_2k / (2k (2k - 1) x^(2k - 1)), k <= 8.
double stirling_tail(double x) {
  const double z = 1.0 / (x * x);
  double s = -3617.0 / 122400.0;
  s = s * z + 1.0 / 156.0;
  s = s * z - 691.0 / 360360.0;
  s = s * z + 1.0 / 1188.0;
  s = s * z - 1.0 / 1680.0;
  s = s * z + 1.0 / 1260.0;
  s = s * z - 1.0 / 360.0;
  s = s * z + 1.0 / 12.0;
  return s / x;
}

// ln Gamma(2 + z) for |z| <= 1/2: z (1 - gamma) + sum over k >= 2 of
// (-1)^k (zeta(k) - 1) z^k / k (Abramowitz and Stegun 6.1.33). It is
// exactly 0 at z = 0, so ln Gamma keeps its relative accuracy at its zeros
// 1 and 2; 30 terms reach double precision at |z| = 1/2.
constexpr double kLogGammaSeries[30] = {
    0.422784335098467139393,       0.322467033424113218236,      -0.0673523010531980951332,
    0.020580808427784547879,       -0.00738555102867398526627,   0.00289051033074152328575,
    -0.00119275391170326097711,    0.000509669524743042422336,   -0.000223154758453579379761,
    0.0000994575127818085337146,   -0.0000449262367381331417002, 0.0000205072127756706915532,
    -0.00000943948827526839590399, 0.00000437486678990748780418, -0.00000203921575380136623678,
    9.55141213040741983286e-7,     -4.49246919876456604329e-7,   2.12071848055546658692e-7,
    -1.00432248239680996087e-7,    4.76981016936398056576e-8,    -2.27110946089431649103e-8,
    1.08386592148969540911e-8,     -5.18347504197004665512e-9,   2.48367454380247831719e-9,
    -1.19214014058609120744e-9,    5.73136724167886201333e-10,   -2.75952288512423314518e-10,
    1.33047643742444894815e-10,    -6.42296456383810002208e-11,  3.10442477473222727624e-11};

double log_gamma_2(double z) {
  double s = kLogGammaSeries[29];
  for (int k = 28; k >= 0; --k) s = kLogGammaSeries[k] + z * s;
  return z * s;
}

// The positive root of digamma, x0 = hi + lo, and the Taylor coefficients
// psi^(k)(x0) / k! = (-1)^(k+1) zeta(k + 1, x0) for k = 1, 2, ... (Hurwitz
// zeta, computed with mpmath at 40 digits); they shrink like 0.684^k, so 27
// terms reach double precision for |x - x0| < 1/4.
constexpr double kDigammaRootHi = 1.4616321449683622;
constexpr double kDigammaRootLo = 9.549995429965697e-17;
constexpr int kDigammaRootTerms = 27;
constexpr double kDigammaRootSeries[kDigammaRootTerms] = {
    0.967672245447621170427,     -0.442763168983592106093,     0.258499760955651010624,
    -0.163942705442406527504,    0.107824050691262365757,      -0.0721995612564547109261,
    0.0488042881641431072251,    -0.0331611264748473592923,    0.0225976482322181046596,
    -0.0154247659049489591388,   0.0105387916166121753881,     -0.00720453438635686824097,
    0.00492678139572985344635,   -0.00336980165543932808279,   0.00230512632673492783694,
    -0.00157693677143019725927,  0.00107882520191629658069,    -0.000738070938996005129566,
    0.000504953265834602035177,  -0.000345468025106307699556,  0.000236356015640270527924,
    -0.000161706220919748034494, 0.000110633727687474109041,   -0.0000756917958219506591924,
    0.0000517857579522208086899, -0.0000354300709476596063157, 0.0000242400661186013176527};

// ln(r) - (r - 1) for r > 0. Near r = 1 both terms agree to many digits,
// so there it comes from the series of 2 atanh(s), s = t / (2 + t),
// t = r - 1: ln(1 + t) - t = -t s + 2 (s^3 / 3 + s^5 / 5 + ...), which has
// no cancellation; |s| < 0.2 makes 14 terms reach double precision.
double log_minus_linear(double r) {
  const double t = r - 1.0;
  if (!(t > -0.3 && t < 0.5)) return portable_log(r) - t;
  const double s = t / (2.0 + t);
  const double s2 = s * s;
  double series = 1.0 / 29.0;
  for (int k = 13; k >= 1; --k) series = 1.0 / (2.0 * k + 1.0) + s2 * series;
  return -t * s + 2.0 * s * s2 * series;
}

// ln(x^a e^-x / Gamma(a)) for a > 0, x > 0: the factor in front of both
// incomplete gamma functions. For large a the terms a ln x, x and
// ln Gamma(a) are huge and nearly cancel; rewritten with Stirling's series
// the cancellation happens exactly inside log_minus_linear.
double log_gamma_prefix(double a, double x) {
  if (a < kAsymptotic) return a * portable_log(x) - x - log_gamma(a);
  return a * log_minus_linear(x / a) + 0.5 * portable_log(a / kTwoPi) - stirling_tail(a);
}

// Sum of x^n / (a (a + 1) ... (a + n)), n >= 0, so that
// P(a, x) = e^prefix * sum. Used for x < a + 1, where the terms shrink.
double gamma_series(double a, double x) {
  double term = 1.0 / a, sum = term, ap = a;
  for (int n = 0; n < kMaxIterations; ++n) {
    ap += 1.0;
    term *= x / ap;
    const double next = sum + term;
    if (next == sum) break;
    sum = next;
  }
  return sum;
}

// Continued fraction for Q(a, x) = e^prefix * h, x >= a + 1 (modified
// Lentz method, as in Numerical Recipes' gcf).
double gamma_continued_fraction(double a, double x) {
  double b = x + 1.0 - a, c = 1.0 / kTiny, d = 1.0 / b, h = d;
  for (int i = 1; i < kMaxIterations; ++i) {
    const double an = -i * (i - a);
    b += 2.0;
    d = an * d + b;
    if (std::fabs(d) < kTiny) d = kTiny;
    c = b + an / c;
    if (std::fabs(c) < kTiny) c = kTiny;
    d = 1.0 / d;
    const double delta = d * c;
    h *= delta;
    if (std::fabs(delta - 1.0) <= 2.3e-16) break;
  }
  return h;
}

// ln(x^a y^b / B(a, b)) with y = 1 - x given separately (both exact as the
// caller knows them): the factor in front of I_x(a, b). Large a or b make
// a ln x, b ln y and ln B(a, b) huge and nearly equal, so each case keeps
// the cancelling parts together (after DiDonato and Morris, and Boost's
// ibeta_power_terms).
double log_beta_power(double a, double b, double x, double y) {
  const double log_x = x <= 0.5 ? portable_log(x) : portable_log1p(-y);
  const double log_y = y <= 0.5 ? portable_log(y) : portable_log1p(-x);
  const double small = a < b ? a : b, large = a < b ? b : a;
  if (large < kAsymptotic) return a * log_x + b * log_y - log_gamma(a) - log_gamma(b) + log_gamma(a + b);
  if (small < kAsymptotic) {
    // ln Gamma(l) - ln Gamma(l + s) by Stirling's series, without forming either.
    const double ratio = -(large + small - 0.5) * portable_log1p(small / large) -
                         small * portable_log(large) + small + stirling_tail(large) -
                         stirling_tail(large + small);
    return a * log_x + b * log_y - log_gamma(small) - ratio;
  }
  // Both large: with p = a / (a + b), a ln(x / p) + b ln(y / (1 - p)) =
  // a (ln r - (r - 1)) + b (ln q - (q - 1)) since a (r - 1) + b (q - 1) = 0.
  const double sum = a + b;
  const double correction = stirling_tail(a) + stirling_tail(b) - stirling_tail(sum);
  return a * log_minus_linear(x * sum / a) + b * log_minus_linear(y * sum / b) +
         0.5 * portable_log(a * b / (sum * kTwoPi)) - correction;
}

// Continued fraction of I_x(a, b) = e^power * h / a, converging for
// x < (a + 1) / (a + b + 2) (Numerical Recipes' betacf, modified Lentz),
// with y = 1 - x. For a large a and x near 1 (the F test with many rows)
// the odd coefficients are close to -1 and Lentz's denominators
// 1 + coefficient * d cancel to a few digits. So those coefficients are
// carried as -1 + delta, with delta formed from y, and d and c carry their
// distances from 1, which makes each denominator a sum of small, accurate
// parts: (1 - d) + delta d.
double beta_continued_fraction(double a, double b, double x, double y) {
  const double qab = a + b, qap = a + 1.0, qam = a - 1.0;
  // 1 - (a + b) x / (a + 1), from y when that sums smaller terms (b near
  // or below 1), which keeps the digits where x is close to 1.
  const bool from_y = std::fabs(1.0 - b) + qab * y < qap + qab * x;
  double d = from_y ? (1.0 - b + qab * y) / qap : 1.0 - qab * x / qap;
  if (std::fabs(d) < kTiny) d = kTiny;
  d = 1.0 / d;
  double c = 1.0, h = d;
  for (int m = 1; m < kMaxIterations; ++m) {
    const double m2 = 2.0 * m;
    // Even step: coefficient m (b - m) x / ((a - 1 + 2m) (a + 2m)).
    const double even = m * (b - m) * x / ((qam + m2) * (a + m2));
    double u = 1.0 + even * d;
    if (std::fabs(u) < kTiny) u = kTiny;
    const double one_minus_d = even * d / u;  // 1 - 1/u
    d = 1.0 / u;
    const double c_minus_one = even / c;
    c = 1.0 + c_minus_one;
    if (std::fabs(c) < kTiny) c = kTiny;
    h *= d * c;
    // Odd step: coefficient -(a + m) (a + b + m) x / ((a + 2m) (a + 1 + 2m)).
    const double p = (a + m) * (qab + m), q = (a + m2) * (qap + m2);
    const double odd = -p * x / q;
    // q - p = a (1 + 2m - b) + m (2 - b) + 3 m^2, positive for b <= 1 + 2m;
    // then delta = 1 + odd = (q - p + p y) / q has no cancellation.
    const double gap = a * (1.0 + m2 - b) + m * (2.0 - b) + 3.0 * m * m;
    double denominator = 0.0, c_next = 0.0;
    if (gap >= 0.0) {
      const double delta = (gap + p * y) / q;
      denominator = one_minus_d + delta * d;
      c_next = (c_minus_one + delta) / c;
    } else {
      denominator = 1.0 + odd * d;
      c_next = 1.0 + odd / c;
    }
    if (std::fabs(denominator) < kTiny) denominator = kTiny;
    if (std::fabs(c_next) < kTiny) c_next = kTiny;
    d = 1.0 / denominator;
    c = c_next;
    const double delta = d * c;
    h *= delta;
    if (std::fabs(delta - 1.0) <= 2.3e-16) break;
  }
  return h;
}

// I_x(a, b) with y = 1 - x known exactly, so that neither end loses digits.
double beta_inc_xy(double a, double b, double x, double y) {
  if (x <= 0.0) return 0.0;
  if (y <= 0.0) return 1.0;
  const double power = portable_exp(log_beta_power(a, b, x, y));
  // Each tail is computed directly where it is the smaller one.
  if (x < (a + 1.0) / (a + b + 2.0)) return power * beta_continued_fraction(a, b, x, y) / a;
  return 1.0 - power * beta_continued_fraction(b, a, y, x) / b;
}

bool valid_shape(double a) { return a > 0.0 && a < kInf; }

}  // namespace

double log_gamma(double x) noexcept {
  if (!(x > 0.0)) return kNaN;
  if (x == kInf) return kInf;
  if (x >= kAsymptotic) return (x - 0.5) * portable_log(x) - x + kHalfLogTwoPi + stirling_tail(x);
  // ln Gamma(1 + z) = ln Gamma(2 + z) - ln(1 + z); the differences x - 1
  // and x - 2 are exact in these ranges.
  if (x < 0.5) return log_gamma_2(x) - portable_log1p(x) - portable_log(x);
  if (x < 1.5) return log_gamma_2(x - 1.0) - portable_log1p(x - 1.0);
  if (x < 2.5) return log_gamma_2(x - 2.0);
  // ln Gamma(x) = ln Gamma(y) + ln((x - 1) (x - 2) ... y), y in [1.5, 2.5):
  // a sum of positive terms, unlike an upward shift to 10.
  double product = 1.0;
  while (x >= 2.5) {
    x -= 1.0;
    product *= x;
  }
  return log_gamma_2(x - 2.0) + portable_log(product);
}

double digamma(double x) noexcept {
  if (!(x > 0.0)) return kNaN;
  if (x == kInf) return kInf;
  // Near its root x0 the shifted sum below would cancel to a few digits;
  // there a Taylor series around x0 keeps the relative accuracy.
  const double h = (x - kDigammaRootHi) - kDigammaRootLo;
  if (h > -0.25 && h < 0.25) {
    double s = kDigammaRootSeries[kDigammaRootTerms - 1];
    for (int k = kDigammaRootTerms - 2; k >= 0; --k) s = kDigammaRootSeries[k] + h * s;
    return h * s;
  }
  // psi(x) = psi(x + m) - sum 1 / (x + i), i < m.
  double shift = 0.0;
  while (x < kAsymptotic) {
    shift += 1.0 / x;
    x += 1.0;
  }
  // ln x - 1/(2x) - sum B_2k / (2k x^2k), k <= 7: the first omitted term
  // is below 5e-16 at x = 10.
  const double z = 1.0 / (x * x);
  double s = 1.0 / 12.0;
  s = 691.0 / 32760.0 - z * s;
  s = 1.0 / 132.0 - z * s;
  s = 1.0 / 240.0 - z * s;
  s = 1.0 / 252.0 - z * s;
  s = 1.0 / 120.0 - z * s;
  s = 1.0 / 12.0 - z * s;
  return portable_log(x) - 0.5 / x - z * s - shift;
}

double gamma_p(double a, double x) noexcept {
  if (!valid_shape(a) || !(x >= 0.0)) return kNaN;
  if (x == 0.0) return 0.0;
  if (x == kInf) return 1.0;
  const double prefix = portable_exp(log_gamma_prefix(a, x));
  if (x < a + 1.0) return prefix * gamma_series(a, x);
  return 1.0 - prefix * gamma_continued_fraction(a, x);
}

double gamma_q(double a, double x) noexcept {
  if (!valid_shape(a) || !(x >= 0.0)) return kNaN;
  if (x == 0.0) return 1.0;
  if (x == kInf) return 0.0;
  const double prefix = portable_exp(log_gamma_prefix(a, x));
  if (x < a + 1.0) return 1.0 - prefix * gamma_series(a, x);
  return prefix * gamma_continued_fraction(a, x);
}

double beta_inc(double a, double b, double x) noexcept {
  if (!valid_shape(a) || !valid_shape(b) || !(x >= 0.0 && x <= 1.0)) return kNaN;
  return beta_inc_xy(a, b, x, 1.0 - x);
}

double chi2_sf(double x, double dof) noexcept {
  if (!valid_shape(dof) || x != x) return kNaN;
  if (x <= 0.0) return 1.0;
  return gamma_q(0.5 * dof, 0.5 * x);
}

double f_sf(double f, double d1, double d2) noexcept {
  if (!valid_shape(d1) || !valid_shape(d2) || f != f) return kNaN;
  if (f <= 0.0) return 1.0;
  const double t = d1 * f;
  if (t == kInf) return 0.0;
  // x = d2 / (d2 + d1 f) and 1 - x, each from its own quotient.
  return beta_inc_xy(0.5 * d2, 0.5 * d1, d2 / (d2 + t), t / (d2 + t));
}

}  // namespace ember
