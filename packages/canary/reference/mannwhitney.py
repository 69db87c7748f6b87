"""Reference values for @gantry/canary's statistics, computed independently of the TypeScript code.

Run with the python3 that has scipy (pyenv's here; /usr/bin/python3 has none):
    python3 packages/canary/reference/mannwhitney.py > packages/canary/src/fixtures/scipy-mannwhitneyu.json

- Mann-Whitney: scipy.stats.mannwhitneyu(canary, baseline, alternative="two-sided", method="asymptotic").
- Hodges-Lehmann shift: numpy's median of every pairwise difference.
- Confidence interval: a transcription of R's wilcox.test(conf.int=TRUE, correct=TRUE, exact=FALSE)
  root search (the `wdiff` function), solved with brentq to a tight tolerance instead of R's
  uniroot(tol=1e-4). Only for samples without ties (where R's per-shift tie correction is moot)
  and with two values or more per side (R stops when every shifted value ties).
- erfc: mpmath at 40 digits.
"""
import json
import math
import sys

import mpmath
import numpy as np
import scipy
from scipy.optimize import brentq
from scipy.stats import mannwhitneyu, norm, rankdata

rng = np.random.default_rng(20261125)


def r_wilcox_ci(canary, baseline, confidence):
    x = np.asarray(canary, dtype=float)
    y = np.asarray(baseline, dtype=float)
    nx, ny = len(x), len(y)

    def wdiff(d, zq):
        dr = rankdata(np.concatenate([x - d, y]))
        _, ties = np.unique(dr, return_counts=True)
        dz = dr[:nx].sum() - nx * (nx + 1) / 2 - nx * ny / 2
        correction = np.sign(dz) * 0.5
        sigma = math.sqrt((nx * ny / 12) * ((nx + ny + 1) - (ties**3 - ties).sum() / ((nx + ny) * (nx + ny - 1))))
        return (dz - correction) / sigma - zq

    mumin, mumax = x.min() - y.max(), x.max() - y.min()

    def root(zq):
        lower, upper = wdiff(mumin, zq), wdiff(mumax, zq)
        if lower <= 0:
            return mumin
        if upper >= 0:
            return mumax
        return brentq(wdiff, mumin, mumax, args=(zq,), xtol=1e-14, rtol=4 * np.finfo(float).eps, maxiter=500)

    alpha = 1 - confidence
    return [root(norm.isf(alpha / 2)), root(norm.ppf(alpha / 2))]


def has_ties(canary, baseline):
    pooled = [v for v in canary + baseline]
    return len(set(pooled)) < len(pooled)


def case(name, canary, baseline, confidence=0.98):
    """canary/baseline may hold NaN: they are removed before the test, as the judge's nanStrategy 'remove' does."""
    canary = [float(v) for v in canary]
    baseline = [float(v) for v in baseline]
    kept_c = [v for v in canary if not math.isnan(v)]
    kept_b = [v for v in baseline if not math.isnan(v)]
    result = mannwhitneyu(kept_c, kept_b, alternative="two-sided", method="asymptotic")
    differences = np.subtract.outer(np.asarray(kept_c), np.asarray(kept_b)).ravel()
    out = {
        "name": name,
        # JSON has no NaN: null stands for a missing (NaN) value.
        "canary": [None if math.isnan(v) else v for v in canary],
        "baseline": [None if math.isnan(v) else v for v in baseline],
        "u": float(result.statistic),
        "pValue": float(result.pvalue),
        "shift": float(np.median(differences)),
        "confidence": confidence,
    }
    if not has_ties(kept_c, kept_b) and min(len(kept_c), len(kept_b)) >= 2:
        out["ci"] = [float(v) for v in r_wilcox_ci(kept_c, kept_b, confidence)]
    return out


def rounded(values, digits=3):
    return [round(float(v), digits) for v in values]


cases = [
    case("no ties, small", [1.1, 2.5, 3.2, 4.8, 5.9], [0.3, 0.9, 1.7, 2.2, 2.8, 3.6]),
    case("no ties, normal n=50", rng.normal(105, 10, 50), rng.normal(100, 10, 50)),
    case("no ties, identical distributions n=60", rng.normal(100, 10, 60), rng.normal(100, 10, 60)),
    case("many ties (integers 0..3)", rng.integers(0, 4, 40), rng.integers(0, 4, 35)),
    case("many ties, rounded latencies", rounded(rng.normal(120, 8, 30), 0), rounded(rng.normal(110, 8, 30), 0)),
    case("all values equal", [5.0] * 10, [5.0] * 12),
    case("identical samples", [1.0, 2.0, 3.0, 4.0], [1.0, 2.0, 3.0, 4.0]),
    case("n=1 each side", [3.0], [1.0]),
    case("n=1 each side, tied", [2.0], [2.0]),
    case("NaN removed", [1.0, float("nan"), 3.5, 2.2, 8.1, float("nan")], [0.5, 0.7, float("nan"), 1.9, 0.1]),
    case("unequal sizes 3 vs 40", [10.0, 11.5, 12.25], rounded(rng.normal(10, 1, 40), 6)),
    case("unequal sizes 80 vs 7", rng.exponential(2.0, 80), rng.exponential(1.0, 7)),
    case("large n (2000 vs 1500)", rng.normal(0.2, 1, 2000), rng.normal(0, 1, 1500)),
    case("negative values", rng.normal(-50, 5, 25), rng.normal(-45, 5, 30)),
    case("complete separation", list(range(100, 130)), list(range(0, 30))),
    case("canary lower, confidence 0.95", rng.normal(90, 10, 40), rng.normal(100, 10, 45), confidence=0.95),
    case("zeros and error rates", [0, 0, 0, 0.01, 0, 0.02, 0, 0, 0.05, 0], [0, 0, 0, 0, 0, 0, 0.01, 0, 0, 0]),
]

erfc_points = [-5.0, -1.5, -0.5, 0.0, 1e-8, 0.25, 0.99, 1.0, 1.5, 2.0, 3.3, 5.0, 7.99, 8.0, 12.0, 20.0, 26.5]
mpmath.mp.dps = 40
erfc_reference = [{"x": x, "erfc": float(mpmath.erfc(mpmath.mpf(x)))} for x in erfc_points]

json.dump(
    {
        "generatedBy": "packages/canary/reference/mannwhitney.py",
        "scipy": scipy.__version__,
        "numpy": np.__version__,
        "mpmath": mpmath.__version__,
        "cases": cases,
        "erfc": erfc_reference,
    },
    sys.stdout,
    indent=1,
)
sys.stdout.write("\n")
