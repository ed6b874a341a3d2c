"""A small sparse linear-programme builder solved by HiGHS (highspy), without a modelling layer.

Variables and constraints are added in vectorised blocks (numpy arrays of indices and
coefficients); the matrix is assembled once as a ``scipy.sparse`` CSC matrix and passed to HiGHS
with ``Highs.passModel``. This is the whole reason the dispatch and sizing problems build faster
than through a general modelling layer (linopy/PyPSA): no expression objects, no labels, one
COO → CSC conversion.

The programme is::

    minimise    c·x + offset
    subject to  row_lower ≤ A x ≤ row_upper,   col_lower ≤ x ≤ col_upper

HiGHS: Huangfu & Hall, "Parallelizing the dual revised simplex method", Math. Prog. Comp. 10 (2018)
119–142; https://highs.dev; Python interface ``highspy`` (github.com/ERGO-Code/HiGHS).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import highspy
import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

FloatArray = npt.NDArray[np.float64]
#: One block of coefficients: (local rows, columns, values), broadcast together.
Term = tuple[npt.ArrayLike, npt.ArrayLike, npt.ArrayLike]
Options = dict[str, bool | int | float | str]
IntArray = npt.NDArray[np.int64]
INF = float(highspy.kHighsInf)


@dataclass
class LinearProgram:
    """A linear programme under construction (vectorised blocks of columns and rows).

    Attributes
    ----------
    col_blocks, row_blocks : dict[str, numpy.ndarray]
        Index arrays of each named block of variables / constraints.
    offset : float
        Constant added to the objective.
    """

    col_blocks: dict[str, IntArray] = field(default_factory=dict)
    row_blocks: dict[str, IntArray] = field(default_factory=dict)
    offset: float = 0.0
    _n: int = 0
    _m: int = 0
    _lb: list[FloatArray] = field(default_factory=list)
    _ub: list[FloatArray] = field(default_factory=list)
    _c: list[FloatArray] = field(default_factory=list)
    _rlo: list[FloatArray] = field(default_factory=list)
    _rhi: list[FloatArray] = field(default_factory=list)
    _ri: list[IntArray] = field(default_factory=list)
    _ci: list[IntArray] = field(default_factory=list)
    _v: list[FloatArray] = field(default_factory=list)

    @property
    def num_cols(self) -> int:
        return self._n

    @property
    def num_rows(self) -> int:
        return self._m

    def add_vars(
        self, name: str, size: int, lower: float | FloatArray = 0.0,
        upper: float | FloatArray = INF, cost: float | FloatArray = 0.0,
    ) -> IntArray:
        """Add ``size`` variables; return their column indices."""
        idx = np.arange(self._n, self._n + size, dtype=np.int64)
        self._lb.append(np.broadcast_to(np.asarray(lower, dtype=float), (size,)).copy())
        self._ub.append(np.broadcast_to(np.asarray(upper, dtype=float), (size,)).copy())
        self._c.append(np.broadcast_to(np.asarray(cost, dtype=float), (size,)).copy())
        self._n += size
        self.col_blocks[name] = idx
        return idx

    def add_rows(
        self, name: str, size: int,
        terms: Sequence[Term],
        lower: float | FloatArray = -INF, upper: float | FloatArray = INF,
    ) -> IntArray:
        """Add ``size`` rows ``lower ≤ Σ coef · x[col] ≤ upper``.

        Parameters
        ----------
        terms : list of (local_row, col, coef)
            Each term puts ``coef`` at row ``local_row`` (0 … size−1 within this block) and
            column ``col``; arrays broadcast together.
        """
        idx = np.arange(self._m, self._m + size, dtype=np.int64)
        for rows, cols, vals in terms:
            r, c, v = np.broadcast_arrays(np.asarray(rows), np.asarray(cols), np.asarray(vals, float))
            self._ri.append(r.ravel().astype(np.int64) + self._m)
            self._ci.append(c.ravel().astype(np.int64))
            self._v.append(v.ravel().astype(float))
        self._rlo.append(np.broadcast_to(np.asarray(lower, dtype=float), (size,)).copy())
        self._rhi.append(np.broadcast_to(np.asarray(upper, dtype=float), (size,)).copy())
        self._m += size
        self.row_blocks[name] = idx
        return idx

    def arrays(self) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray, FloatArray, sp.csc_matrix]:
        """(cost, col_lower, col_upper, row_lower, row_upper, A as CSC)."""
        cat = np.concatenate
        c = cat(self._c) if self._c else np.zeros(0)
        lb = cat(self._lb) if self._lb else np.zeros(0)
        ub = cat(self._ub) if self._ub else np.zeros(0)
        rlo = cat(self._rlo) if self._rlo else np.zeros(0)
        rhi = cat(self._rhi) if self._rhi else np.zeros(0)
        if self._v:
            a = sp.csc_matrix(
                (cat(self._v), (cat(self._ri), cat(self._ci))), shape=(self._m, self._n)
            )
        else:
            a = sp.csc_matrix((self._m, self._n))
        a.sum_duplicates()
        return c, lb, ub, rlo, rhi, a


@dataclass(frozen=True)
class Solution:
    """What HiGHS returned.

    Attributes
    ----------
    status : str
        ``"optimal"``, ``"infeasible"``, ``"unbounded"`` or another HiGHS model status text.
    objective : float
        Objective value including the offset (nan unless optimal).
    x : numpy.ndarray
        Column values.
    row_activity : numpy.ndarray
        Row values ``A x``.
    solve_seconds : float
        Wall time of ``Highs.run`` [s].
    """

    status: str
    objective: float
    x: FloatArray
    row_activity: FloatArray
    solve_seconds: float

    @property
    def optimal(self) -> bool:
        return self.status == "optimal"


def _loaded(
    c: FloatArray, lb: FloatArray, ub: FloatArray, rlo: FloatArray, rhi: FloatArray,
    a: sp.csc_matrix, offset: float, maximise: bool, options: Options | None,
) -> Any:
    """A quiet HiGHS instance holding the programme."""
    # the core class prints no banner on stdout (the public subclass only adds callbacks, unused here)
    core = getattr(highspy, "_core", None)
    h = core._Highs() if core is not None and hasattr(core, "_Highs") else highspy.Highs()  # type: ignore[no-untyped-call]
    h.setOptionValue("output_flag", False)
    for key, value in (options or {}).items():
        h.setOptionValue(key, value)
    a = a.tocsc()
    n, m = a.shape[1], a.shape[0]
    sense = highspy.ObjSense.kMaximize if maximise else highspy.ObjSense.kMinimize
    h.passModel(
        int(n), int(m), int(a.nnz), int(highspy.MatrixFormat.kColwise), int(sense), float(offset),
        c, lb, ub, rlo, rhi, a.indptr.astype(np.int32), a.indices.astype(np.int32), a.data,
        np.zeros(n, dtype=np.int32),  # all continuous (an empty array is read past its end)
    )
    return h


def solve(
    c: FloatArray, lb: FloatArray, ub: FloatArray, rlo: FloatArray, rhi: FloatArray,
    a: sp.csc_matrix, offset: float = 0.0, maximise: bool = False,
    options: Options | None = None,
) -> Solution:
    """Solve ``min (or max) c·x + offset`` over the given rows and bounds with HiGHS (quiet)."""
    h = _loaded(c, lb, ub, rlo, rhi, a, offset, maximise, options)
    return _run(h, a.shape[1], a.shape[0])


def _run(h: Any, n: int, m: int) -> Solution:
    import time

    t0 = time.perf_counter()
    h.run()
    secs = time.perf_counter() - t0
    status = h.modelStatusToString(h.getModelStatus()).lower()
    if status == "optimal":
        sol = h.getSolution()
        x = np.asarray(sol.col_value, dtype=float)
        act = np.asarray(sol.row_value, dtype=float)
        obj = float(h.getInfo().objective_function_value)
    else:
        x, act, obj = np.full(n, np.nan), np.full(m, np.nan), float("nan")
    if "infeasible" in status:
        status = "infeasible"
    elif "unbounded" in status:
        status = "unbounded"
    return Solution(status, obj, x, act, secs)


def _run_fixed(h: Any, guess: dict[int, float], lb: FloatArray, ub: FloatArray) -> None:
    """Run ``h`` with the columns of ``guess`` fixed at their values (clipped to [lb, ub]), then give them
    back their bounds ``lb``, ``ub`` (HiGHS keeps the basis for the next run)."""
    for col, value in guess.items():
        v = min(max(float(value), float(lb[col])), float(ub[col]))
        h.changeColBounds(int(col), v, v)
    h.run()
    for col in guess:
        h.changeColBounds(int(col), float(lb[col]), float(ub[col]))


class PersistentProgram:
    """A programme kept in one HiGHS instance and solved again after changes of row bounds or coefficients.

    HiGHS keeps the last basis across such changes, so each re-solve starts from the previous optimum
    (a warm start): the sweep of a target's levels solves one model, not one per level.
    """

    def __init__(self, lp: LinearProgram, options: Options | None = None) -> None:
        c, lb, ub, rlo, rhi, a = lp.arrays()
        self.num_cols, self.num_rows = a.shape[1], a.shape[0]
        self._lb, self._ub = lb, ub
        self._h = _loaded(c, lb, ub, rlo, rhi, a, lp.offset, False, options)

    def start_from(self, guess: dict[int, float]) -> None:
        """Solve with the columns of ``guess`` fixed at their values (clipped to their bounds), then give them
        their bounds back: the next :meth:`solve` starts from that basis (as :func:`solve_from_guess`)."""
        _run_fixed(self._h, guess, self._lb, self._ub)

    def set_row_bounds(self, row: int, lower: float, upper: float) -> None:
        self._h.changeRowBounds(int(row), float(lower), float(upper))

    def set_coeff(self, row: int, col: int, value: float) -> None:
        self._h.changeCoeff(int(row), int(col), float(value))

    def solve(self) -> Solution:
        return _run(self._h, self.num_cols, self.num_rows)


def solve_program(lp: LinearProgram, options: Options | None = None) -> Solution:
    """Assemble and solve a :class:`LinearProgram` (minimisation)."""
    c, lb, ub, rlo, rhi, a = lp.arrays()
    return solve(c, lb, ub, rlo, rhi, a, lp.offset, options=options)


def solve_from_guess(lp: LinearProgram, guess: dict[int, float], options: Options | None = None,
                     extra_seconds: float = 0.0) -> Solution:
    """Solve ``lp`` starting from the optimal basis with the columns of ``guess`` fixed at their values.

    First the programme with each column ``j`` of ``guess`` fixed at ``guess[j]`` (clipped to its bounds)
    is solved; then the columns get their own bounds back and HiGHS re-solves from that basis (whatever
    the first status: infeasible with the guess is only a worse start). The result is the optimum of
    ``lp`` itself. ``solve_seconds`` counts both runs plus ``extra_seconds`` (the making of the guess).
    """
    import time

    c, lb, ub, rlo, rhi, a = lp.arrays()
    h = _loaded(c, lb, ub, rlo, rhi, a, lp.offset, False, options)
    t0 = time.perf_counter()
    _run_fixed(h, guess, lb, ub)
    sol = _run(h, a.shape[1], a.shape[0])
    return Solution(sol.status, sol.objective, sol.x, sol.row_activity,
                    time.perf_counter() - t0 + extra_seconds)
