/**
 * The standard normal distribution to full double precision, with no dependency: the p-values are
 * checked against scipy to 1e-9, and a p-value near alpha decides a deployment.
 */

// Rational approximations of Cephes (S. L. Moshier), the ones scipy's `ndtr` evaluates; the
// leading coefficient 1 of each denominator is implicit.
const ERF_NUMERATOR = [9.60497373987051638749e0, 9.00260197203842689217e1, 2.23200534594684319226e3, 7.00332514112805075473e3, 5.55923013010394962768e4];
const ERF_DENOMINATOR = [3.35617141647503099647e1, 5.21357949780152679795e2, 4.59432382970980127987e3, 2.26290000613890934246e4, 4.92673942608635921086e4];
const ERFC_NUMERATOR = [
  2.46196981473530512524e-10, 5.64189564831068821977e-1, 7.46321056442269912687e0, 4.86371970985681366614e1, 1.96520832956077098242e2,
  5.26445194995477358631e2, 9.3452852717195760754e2, 1.02755188689515710272e3, 5.57535335369399327526e2,
];
const ERFC_DENOMINATOR = [
  1.32281951154744992508e1, 8.67072140885989742329e1, 3.54937778887819891062e2, 9.75708501743205489753e2, 1.82390916687909736289e3,
  2.24633760818710981792e3, 1.65666309194161350182e3, 5.57535340817727675546e2,
];
const ERFC_TAIL_NUMERATOR = [5.64189583547755073984e-1, 1.27536670759978104416e0, 5.01905042251180477414e0, 6.16021097993053585195e0, 7.4097426995044893916e0, 2.9788666537210024067e0];
const ERFC_TAIL_DENOMINATOR = [2.2605286322011727659e0, 9.39603524938001434673e0, 1.20489539808096656605e1, 1.70814450747565897222e1, 9.60896809063285878198e0, 3.3690764510008151605e0];
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
const A = [-3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2, -3.066479806614716e1, 2.506628277459239];
const B = [-5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1];
const C = [-7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
const D = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416];
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
