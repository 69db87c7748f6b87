/**
 * The standard normal distribution to full double precision, with no dependency: the p-values are
 * checked against scipy to 1e-9, and a p-value near alpha decides a deployment.
 */

// Rational approximations of Cephes (S. L. Moshier), the ones scipy's `ndtr` evaluates; the
// leading coefficient 1 of each denominator is implicit.
const ERF_NUMERATOR = [9.604973739870516, 90.02601972038427, 2232.005345946843, 7003.325141128051, 55592.30130103949];
const ERF_DENOMINATOR = [33.56171416475031, 521.3579497801527, 4594.323829709801, 22629.000061389095, 49267.39426086359];
const ERFC_NUMERATOR = [
  2.461969814735305e-10, 0.5641895648310689, 7.463210564422699, 48.63719709856814, 196.5208329560771,
  526.4451949954773, 934.5285271719576, 1027.5518868951572, 557.5353353693994,
];
const ERFC_DENOMINATOR = [
  13.228195115474499, 86.70721408859897, 354.9377788878199, 975.7085017432055, 1823.9091668790973,
  2246.3376081871097, 1656.6630919416134, 557.5353408177277,
];
const ERFC_TAIL_NUMERATOR = [0.5641895835477551, 1.275366707599781, 5.019050422511805, 6.160210979930536, 7.4097426995044895, 2.9788666537210022];
const ERFC_TAIL_DENOMINATOR = [2.2605286322011726, 9.396035249380015, 12.048953980809666, 17.08144507475659, 9.608968090632859, 3.369076451000815];
// Beyond this erfc(x) is below the smallest double.
const ERFC_UNDERFLOW = 27.3;

function polynomial(coefficients: readonly number[], x: number): number {
  return coefficients.reduce((acc, c) => acc * x + c, 0);
}

/** A polynomial whose leading coefficient is 1 and left out of `coefficients`. */
function monicPolynomial(coefficients: readonly number[], x: number): number {
  return coefficients.reduce((acc, c) => acc * x + c, 1);
}

/**
 * exp(−x²) without the rounding error of x² itself, which grows with x and would cost erfc(5)
 * about 13 digits' worth of relative error (Cephes' expx2): x is split into a part with few bits,
 * whose square is exact, and a small remainder.
 */
function expMinusSquare(x: number): number {
  const head = Math.round(x * 128) / 128;
  const tail = x - head;
  return Math.exp(-head * head) * Math.exp(-(2 * head + tail) * tail);
}

/** The error function. */
export function erf(x: number): number {
  if (Math.abs(x) > 1) return x > 0 ? 1 - erfc(x) : erfc(-x) - 1;
  const x2 = x * x;
  return (x * polynomial(ERF_NUMERATOR, x2)) / monicPolynomial(ERF_DENOMINATOR, x2);
}

/** The complementary error function, 1 − erf(x), to about 1e-15 relative error (tested against mpmath). */
export function erfc(x: number): number {
  if (Number.isNaN(x)) return Number.NaN;
  const a = Math.abs(x);
  if (a < 1) return 1 - erf(x);
  if (a > ERFC_UNDERFLOW) return x > 0 ? 0 : 2;
  const ratio =
    a < 8
      ? polynomial(ERFC_NUMERATOR, a) / monicPolynomial(ERFC_DENOMINATOR, a)
      : polynomial(ERFC_TAIL_NUMERATOR, a) / monicPolynomial(ERFC_TAIL_DENOMINATOR, a);
  const tail = expMinusSquare(a) * ratio;
  return x > 0 ? tail : 2 - tail;
}

/** P(Z > z) for a standard normal Z (scipy's `ndtr(-z)`, `norm.sf(z)`). */
export function normalSf(z: number): number {
  return 0.5 * erfc(z / Math.SQRT2);
}

/** P(Z ≤ z). */
export function normalCdf(z: number): number {
  return 0.5 * erfc(-z / Math.SQRT2);
}

// Acklam's rational approximation (relative error 1.15e-9), refined below by one Halley step.
const A = [-39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716, 2.506628277459239];
const B = [-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572];
const C = [-0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
const D = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
const P_LOW = 0.02425;

/** The p-quantile of the standard normal distribution (the inverse of `normalCdf`), 0 < p < 1. */
export function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) throw new RangeError(`normalQuantile: p must be in (0, 1), got ${p}`);
  let x: number;
  if (p < P_LOW) {
    const q = Math.sqrt(-2 * Math.log(p));
    x = polynomial(C, q) / (polynomial(D, q) * q + 1);
  } else if (p <= 1 - P_LOW) {
    const q = p - 0.5;
    const r = q * q;
    x = (polynomial(A, r) * q) / (polynomial(B, r) * r + 1);
  } else {
    const q = Math.sqrt(-2 * Math.log(1 - p));
    x = -polynomial(C, q) / (polynomial(D, q) * q + 1);
  }
  // One Halley step on the accurate CDF takes the approximation to full precision.
  const error = normalCdf(x) - p;
  const u = error * Math.sqrt(2 * Math.PI) * Math.exp((x * x) / 2);
  return x - u / (1 + (x * u) / 2);
}
