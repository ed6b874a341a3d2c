"""Monte Carlo uncertainty of a footprint from per-exchange distributions.

Each exchange of ``A`` and ``B`` may carry a distribution, coded as in ``stats_arrays`` (the
uncertainty vocabulary of Brightway's data packages, github.com/brightway-lca/stats_arrays):

=====  ==========  ==========================================================================
 id     kind        parameters (of the exchange *amount*, before Brightway's flip)
=====  ==========  ==========================================================================
 0, 1   none        the static amount
 2      lognormal   ``exp(N(loc, scale))``; ``loc`` = ln of the geometric mean, ``scale`` = σ of
                    the underlying normal; negated when ``negative``
 3      normal      ``N(loc, scale)``
 4      uniform     ``U(minimum, maximum)``
 5      triangular  ``Tri(minimum, loc (mode), maximum)``
=====  ==========  ==========================================================================

Samples are drawn with one seeded ``numpy.random.Generator`` (PCG64), vectorised by kind and in
blocks of iterations. Lognormal draws, nearly all of a life-cycle database's, are
``median · exp(σ z)``: the factor ``exp(σ z)`` in float32 (relative precision 6e-8, far below any
spread), the product with the float64 median in float64, so an exchange with σ = 0 keeps its
amount exactly. The standard normals ``z`` come from the Box–Muller transform (Box & Muller,
Ann. Math. Statist. 29(2), 1958, 610–611) of two 32-bit uniforms per pair, taken from the raw
64-bit output of the generator (about two thirds of the time of numpy's float32 ziggurat here);
the radius uniform is ``(k + ½) / 2³²``, so draws beyond 6.76 σ (probability 1.4e-11 each) are
not made.

Each sampled matrix reuses the sparsity pattern of the static one: the sampled amounts are
written into the ``data`` array of one CSR matrix through a precomputed index map (summed
where exchanges share a place). Each sampled system ``A_k s = f`` is solved by BiCGSTAB with
the production amounts as Jacobi preconditioner, warm-started from the static solution
(:mod:`zerocarbon.footprint.krylov`); a sample that does not converge is solved directly (SuperLU)
and counted. The score is taken with the first-order (dual-weighted residual) correction

    score_k = w_k · s + λ₀ · (f − A_k s),    A₀ᵀ λ₀ = w₀,

where ``w = (c B)ᵀ`` and ``λ₀`` is the static adjoint (:attr:`LCA.adjoint`, computed once): the
error of ``w_k · s`` is exactly ``λ_k · r``, and subtracting its estimate leaves ``(λ_k − λ₀) · r``
(the adjoint error correction of Giles & Süli, Acta Numerica 11, 2002, 145–236). On the benchmark
system (σ = 0.1) it was 10 to 300 times smaller than ``λ_k · r``: at ``rtol`` 1e-10 score errors
up to 2.4e-9 relative without it, at most 3.1e-11 over 60 samples with it. The residual tolerance is
stated in the result; tests check the scores against direct solves of the same sampled matrices
at 1e-9 relative. Truncation bounds of normal and lognormal distributions are not applied (stated).
"""

from __future__ import annotations

import functools
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp
from scipy.sparse.linalg import splu

from zerocarbon.errors import InputError
from zerocarbon.footprint.krylov import bicgstab, one_blas_thread
from zerocarbon.footprint.lca import LCA, Entries, FloatArray, LCASystem

NONE, NO_UNCERTAINTY, LOGNORMAL, NORMAL, UNIFORM, TRIANGULAR = 0, 1, 2, 3, 4, 5
KINDS = {NONE: "none", NO_UNCERTAINTY: "none", LOGNORMAL: "lognormal", NORMAL: "normal", UNIFORM: "uniform",
         TRIANGULAR: "triangular"}


@dataclass(frozen=True)
class Uncertainty:
    """Distributions of the exchanges of one matrix, parallel to its :class:`~zerocarbon.footprint.lca.Entries`.

    Attributes
    ----------
    kind : int array
        ``stats_arrays`` id per exchange (table of the module docstring).
    loc, scale, minimum, maximum : float arrays
        Parameters [the exchange's unit; lognormal: ln of it]; NaN where unused.
    negative : bool array
        Lognormal only: the amount is negative (the sample is negated).
    """

    kind: npt.NDArray[np.int64]
    loc: FloatArray
    scale: FloatArray
    minimum: FloatArray
    maximum: FloatArray
    negative: npt.NDArray[np.bool_]

    @classmethod
    def none(cls, count: int) -> Uncertainty:
        """``count`` exchanges without uncertainty."""
        nan = np.full(count, np.nan)
        return cls(np.zeros(count, dtype=np.int64), nan, nan, nan, nan, np.zeros(count, dtype=bool))

    def check(self, entries: Entries, name: str) -> None:
        """Raise :class:`InputError` when a distribution cannot be sampled (naming the exchange)."""
        if len(self.kind) != len(entries.amounts):
            raise InputError(f"{name} 的分布个数与交换个数不符", f"{name}: one distribution per exchange is needed",
                             field=name, expected=f"{len(entries.amounts)} distributions")
        unknown = ~np.isin(self.kind, list(KINDS))
        bad_scale = np.isin(self.kind, [LOGNORMAL, NORMAL]) & ~(self.scale >= 0)
        bounded = np.isin(self.kind, [UNIFORM, TRIANGULAR])
        bad_bounds = bounded & ~(self.minimum <= self.maximum)
        bad_mode = (self.kind == TRIANGULAR) & ~((self.minimum <= self.loc) & (self.loc <= self.maximum))
        for mask, what in ((unknown, "unknown distribution id"), (bad_scale, "scale missing or negative"),
                           (bad_bounds, "minimum > maximum or missing"), (bad_mode, "mode outside [minimum, maximum]")):
            if mask.any():
                k = int(np.flatnonzero(mask)[0])
                raise InputError(f"{name} 第 {k} 个交换的分布无效：{what}", f"{name} exchange {k}: {what}",
                                 row=k, field=f"{name}.uncertainty", expected="a valid stats_arrays distribution")

    @property
    def uncertain(self) -> npt.NDArray[np.int64]:
        """Positions of the exchanges with a distribution, grouped by kind (columns of :meth:`sample_uncertain`)."""
        return np.concatenate([np.flatnonzero(self.kind == k) for k in (LOGNORMAL, NORMAL, UNIFORM, TRIANGULAR)])

    def sample_uncertain(self, rng: np.random.Generator, size: int) -> FloatArray:
        """``size`` samples of the exchanges of :attr:`uncertain` only (size × count) [the exchange's unit]."""
        return self.draw(rng, size, np.ones(len(self.kind)))

    def draw(self, rng: np.random.Generator, size: int, multiplier: FloatArray,
             out: FloatArray | None = None) -> FloatArray:
        """``multiplier[e] ×`` :meth:`sample_uncertain` (the same draws from ``rng``), without a second pass.

        ``multiplier`` holds one value per exchange (all of them, not only the uncertain ones):
        Brightway's flip sign for ``A``, the characterisation weight for ``B``. ``out`` (size ×
        uncertain exchanges, float64) is filled and returned when given: no fresh pages per block.
        """
        count = int(np.isin(self.kind, (LOGNORMAL, NORMAL, UNIFORM, TRIANGULAR)).sum())
        out = np.empty((size, count)) if out is None else out[:size]
        start = 0
        for kind in (LOGNORMAL, NORMAL, UNIFORM, TRIANGULAR):
            idx = np.flatnonzero(self.kind == kind)
            if not len(idx):
                continue
            shape = (size, len(idx))
            m = multiplier[idx]
            part = out[:, start:start + len(idx)]
            start += len(idx)
            if kind == LOGNORMAL:
                z = standard_normal32(rng, size * len(idx)).reshape(shape)
                z *= self.scale[idx].astype(np.float32)
                np.exp(z, out=z)
                median = np.exp(self.loc[idx]) * np.where(self.negative[idx], -1.0, 1.0) * m
                np.copyto(part, z)
                part *= median
            elif kind == NORMAL:
                part[:] = rng.normal(self.loc[idx], self.scale[idx], shape) * m
            elif kind == UNIFORM:
                part[:] = rng.uniform(self.minimum[idx], self.maximum[idx], shape) * m
            else:
                lo, mode, hi = self.minimum[idx], self.loc[idx], self.maximum[idx]
                # numpy's triangular refuses lo == hi; such an exchange is fixed at its mode.
                width = np.where(hi > lo, hi - lo, 1.0)
                c = np.where(hi > lo, (mode - lo) / width, 0.5)
                u = rng.random(shape)
                left = lo + np.sqrt(u * c) * width
                right = hi - np.sqrt((1 - u) * (1 - c)) * width
                part[:] = np.where(hi > lo, np.where(u < c, left, right), mode) * m
        return out

    def sample(self, amounts: FloatArray, rng: np.random.Generator, size: int) -> FloatArray:
        """``size`` samples of every amount (size × exchanges); exchanges without a distribution keep ``amounts``."""
        out = np.broadcast_to(amounts, (size, len(amounts))).copy()
        out[:, self.uncertain] = self.sample_uncertain(rng, size)
        return out


@dataclass(frozen=True)
class MonteCarloResult:
    """Scores of the Monte Carlo iterations and their summary.

    Attributes
    ----------
    scores : float array
        Score of each iteration [kgCO2e for the demand].
    seed : int
        Seed of the generator.
    rtol : float
        Relative residual tolerance of the iterative solves [1].
    direct_solves : int
        Samples solved directly because the iterative solver did not converge.
    method : str
        Characterisation used.
    matvecs : int
        Matrix-vector products spent by the iterative solves (all iterations).
    """

    scores: FloatArray
    seed: int
    rtol: float
    direct_solves: int
    method: str
    matvecs: int = 0

    @property
    def mean(self) -> float:
        """Mean score [kgCO2e]."""
        return float(np.mean(self.scores))

    @property
    def std(self) -> float:
        """Standard deviation (ddof=1) [kgCO2e]."""
        return float(np.std(self.scores, ddof=1))

    def percentiles(self, qs: Sequence[float] = (2.5, 5, 25, 50, 75, 95, 97.5)) -> dict[float, float]:
        """Percentiles of the scores (numpy's linear interpolation) [kgCO2e]."""
        return {q: float(v) for q, v in zip(qs, np.percentile(self.scores, qs), strict=True)}

    def summary(self) -> dict[str, object]:
        """Mean, standard deviation, percentiles and how the run was made."""
        return {"iterations": len(self.scores), "mean": self.mean, "std": self.std,
                "percentiles": {str(k): v for k, v in self.percentiles().items()}, "seed": self.seed,
                "rtol": _power_of_ten(self.rtol), "direct_solves": self.direct_solves, "method": self.method,
                "unit": "kgCO2e"}


class MonteCarlo:
    """Monte Carlo of a system's footprints.

    Parameters
    ----------
    system : LCASystem
        The static system (its amounts are the values where an exchange has no distribution).
    technosphere, biosphere : Uncertainty, optional
        Distributions per exchange; None for none.
    seed : int
        Seed of ``numpy.random.default_rng``.
    """

    def __init__(self, system: LCASystem, technosphere: Uncertainty | None = None,
                 biosphere: Uncertainty | None = None, seed: int = 42) -> None:
        self.system = system
        self.tech_u = technosphere or Uncertainty.none(len(system.technosphere.amounts))
        self.bio_u = biosphere or Uncertainty.none(len(system.biosphere.amounts))
        self.tech_u.check(system.technosphere, "technosphere")
        self.bio_u.check(system.biosphere, "biosphere")
        self.seed = seed
        self.static = LCA(system)

    def run(self, demand: Mapping[str, float], iterations: int, rtol: float = 1e-10, block: int = 20,
            maxiter: int = 500) -> MonteCarloResult:
        """Scores of ``demand`` for ``iterations`` samples [kgCO2e].

        Parameters
        ----------
        demand : mapping of process id to amount [declared unit]
        iterations : int
            Number of samples.
        rtol : float
            Relative residual tolerance of BiCGSTAB, ``‖f − A_k s‖ ≤ rtol · ‖f‖`` [1].
        block : int
            Samples drawn at once (memory: block × uncertain exchanges floats). The random stream
            depends on ``seed`` and ``block``: the same pair gives the same scores. Per block, the
            technosphere draws come first, then the biosphere draws (as :meth:`Uncertainty.sample`).
        maxiter : int
            BiCGSTAB iterations before the direct fallback.
        """
        sys_ = self.system
        rng = np.random.default_rng(self.seed)
        f = sys_.demand_vector(demand)
        x0 = self.static.supply(f)
        lam = self.static.adjoint[0]  # λ₀ of the total score
        plan = self._plan
        a = plan.matrix()
        scores = np.empty(iterations)
        direct = matvecs = 0
        done = 0
        t_buffer = np.empty((min(block, iterations), len(self.tech_u.uncertain)))
        b_buffer = np.empty((min(block, iterations), len(self.bio_u.uncertain)))
        with one_blas_thread() as dot:
            while done < iterations:
                size = min(block, iterations - done)
                t_samples = self.tech_u.draw(rng, size, plan.t_sign, t_buffer)
                b_samples = self.bio_u.draw(rng, size, plan.b_weight, b_buffer)
                for k in range(size):
                    plan.write(a, t_samples[k])
                    usable, inverse = plan.jacobi(a)
                    solved = bicgstab(a, f, x0, inverse, rtol, maxiter, dot) if usable else None
                    if solved is None:
                        direct += 1
                        x = splu(a.tocsc()).solve(f)
                        residual = f - a @ x
                    else:
                        x, residual, matvecs = solved.x, solved.residual, matvecs + solved.matvecs
                    scores[done + k] = (dot(plan.cb_fixed, x) + dot(b_samples[k], x[plan.b_cols])
                                        + dot(lam, residual))
                done += size
        return MonteCarloResult(scores=scores, seed=self.seed, rtol=rtol, direct_solves=direct, method=sys_.method,
                                matvecs=matvecs)

    @functools.cached_property
    def _plan(self) -> _Plan:
        return _Plan(self.system, self.tech_u, self.bio_u)


class _Plan:
    """Where the sampled amounts go: the CSR ``data`` places of ``A``, the biosphere weights, the pivots."""

    def __init__(self, system: LCASystem, tech_u: Uncertainty, bio_u: Uncertainty) -> None:
        ap, tech, bio = system.a_pattern, system.technosphere, system.biosphere
        self.pattern = ap
        t_idx = tech_u.uncertain
        self.t_sign = np.where(tech.flip, -1.0, 1.0)
        fixed = tech.values.copy()
        fixed[t_idx] = 0.0
        self.a_fixed = ap.data(fixed)
        pos = ap.inverse[t_idx]
        # A place holding one uncertain exchange alone takes its sample as it is; the other places
        # touched (several exchanges, or a fixed one too) take the fixed part plus a sum.
        alone = np.bincount(ap.inverse, minlength=ap.nnz)[pos] == 1
        self.places = pos
        self.summed = np.flatnonzero(~alone)
        self.summed_places, where = np.unique(pos[~alone], return_inverse=True)
        self.sum_map = sp.csr_matrix((np.ones(len(where)), (where, np.arange(len(where)))),
                                     shape=(len(self.summed_places), len(where)))
        touched = np.unique(pos)
        self.diag_pos = ap.diagonal
        self.diag_rows = ap.indices[ap.diagonal]
        self.pivots_vary = bool(np.isin(self.diag_pos, touched).any())
        self._inverse: FloatArray | None = None
        self._known = False
        # score = Σ_e c[row_e] · b_e · s[col_e] over the biosphere exchanges: no matrix per sample.
        b_idx = bio_u.uncertain
        self.b_weight = system.factors[bio.rows] * np.where(bio.flip, -1.0, 1.0)
        b_fixed = self.b_weight * bio.amounts
        b_fixed[b_idx] = 0.0
        self.cb_fixed = np.bincount(bio.cols, weights=b_fixed, minlength=system.size).astype(np.float64)
        self.b_cols = bio.cols[b_idx]

    def matrix(self) -> sp.csr_matrix:
        """A CSR matrix of the pattern holding the fixed amounts, its ``data`` to be overwritten per sample."""
        ap = self.pattern
        return sp.csr_matrix((self.a_fixed.copy(), ap.indices.copy(), ap.indptr.copy()), shape=ap.shape)

    def write(self, a: sp.csr_matrix, values: FloatArray) -> None:
        """Put one sample's (flipped) technosphere values into ``a.data`` in place.

        Every value goes to its place first (no gather); the places shared by several exchanges
        are then overwritten with their sums.
        """
        a.data[self.places] = values
        if len(self.summed):
            a.data[self.summed_places] = self.a_fixed[self.summed_places] + self.sum_map @ values[self.summed]

    def jacobi(self, a: sp.csr_matrix) -> tuple[bool, FloatArray | None]:
        """Whether the pivots can precondition (none is 0 or not finite; else the sample is solved
        directly), and 1 / the production amounts (1 where a row has none; None when every pivot is 1)."""
        if self._known and not self.pivots_vary:
            return True, self._inverse
        pivots = a.data[self.diag_pos]
        if not np.all(np.isfinite(pivots)) or np.any(pivots == 0):
            return False, None
        inverse = None
        if not np.all(pivots == 1.0):
            inverse = np.ones(a.shape[0])
            inverse[self.diag_rows] = 1.0 / pivots
        self._inverse, self._known = inverse, True
        return True, inverse


def standard_normal32(rng: np.random.Generator, count: int) -> npt.NDArray[np.float32]:
    """``count`` standard normal draws in float32 by the Box–Muller transform (module docstring).

    Each raw 64-bit output gives a pair: the high 32 bits ``k`` the radius
    ``√(−2 ln((k + ½) / 2³²))``, the low 32 bits the angle ``2π j / 2³²``.
    """
    half = (count + 1) // 2
    raw = rng.bit_generator.random_raw(half).view(np.uint32).reshape(half, 2)
    out = np.empty(2 * half, dtype=np.float32)
    radius = np.empty(half, dtype=np.float32)
    angle = out[:half]
    np.copyto(radius, raw[:, 1], casting="unsafe")
    radius += np.float32(0.5)
    radius *= np.float32(2.0 ** -32)
    np.log(radius, out=radius)
    radius *= np.float32(-2.0)
    np.sqrt(radius, out=radius)
    np.copyto(angle, raw[:, 0], casting="unsafe")
    angle *= np.float32(2 * np.pi * 2.0 ** -32)
    np.sin(angle, out=out[half:])
    out[half:] *= radius
    np.cos(angle, out=angle)
    angle *= radius
    return out[:count]


def _power_of_ten(x: float) -> str:
    """A tolerance as written by people (``10^-10``), not as a float's exponent form."""
    exponent = math.log10(x) if x > 0 else None
    if exponent is not None and exponent == round(exponent):
        return f"10^{round(exponent)}"
    return f"{x:.3g}"
