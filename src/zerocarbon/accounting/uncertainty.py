"""Uncertainty of an inventory: IPCC Approach 1 error propagation and Approach 2 Monte Carlo.

Each line's emission is E = (product of its inputs). Every uncertain input has a 95 % half-width
U [%] and a key. Lines that use the same factor row share its key: in the Monte Carlo that factor
is drawn once per trial for all of them (fully correlated), as IPCC 2006 Vol.1 Ch.3 §3.2.3 advises
for a common emission factor; Approach 1 (Eq. 3.1 and 3.2) assumes independence and so reports a
narrower interval when factors are shared. Both are reported, labelled.

Distributions: each input is lognormal with mean 1 and σ_ln = ln(1 + U/100)/1.96, so its 97.5th
percentile sits near 1 + U/100 and it never goes negative. Signed lines (exports, recovery) keep
their sign.
"""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import numpy as np
from numpy.typing import NDArray

from zerocarbon.accounting.formulas import combined_uncertainty_product, combined_uncertainty_sum

DEFAULT_DRAWS = 10_000
DEFAULT_SEED = 20_231


@dataclass(frozen=True)
class UncertainLine:
    """The numbers Monte Carlo needs of a line: its emission and its uncertain inputs."""

    emission: float  # tCO2e, signed as in the total
    parts: tuple[tuple[str, float], ...]  # (key, U %) per uncertain input


Approach1Line = UncertainLine | tuple[Decimal, Sequence[tuple[str, Decimal]]]


def approach1(lines: Sequence[Approach1Line]) -> tuple[Decimal, list[Decimal]]:
    """IPCC Approach 1 (error propagation), with a shared factor treated as one input.

    Each line's uncertainty is Eq. 3.1 over its inputs. For the total, lines that use the same
    factors (the same set of factor keys, as in one row of the IPCC Approach 1 table, Vol.1
    Table 3.3) form one category: its activity uncertainty is Eq. 3.2 over the lines' activity
    terms, combined with the shared factors by Eq. 3.1; the categories then add by Eq. 3.2.
    Activity inputs have keys starting with ``activity:``.

    Parameters
    ----------
    lines : sequence of (emission [tCO2e], ((key, U [%]), ...))

    Returns
    -------
    (total uncertainty [%], per-line uncertainty [%])
    """
    norm = [(Decimal(str(ln.emission)), [(k, Decimal(str(u))) for k, u in ln.parts])
            if isinstance(ln, UncertainLine) else (ln[0], list(ln[1])) for ln in lines]
    per_line = [combined_uncertainty_product(u for _, u in parts) for _, parts in norm]
    groups: dict[tuple[tuple[str, Decimal], ...], list[tuple[Decimal, Decimal]]] = {}
    for emission, parts in norm:
        shared = tuple(sorted((k, u) for k, u in parts if not k.startswith("activity:")))
        own = combined_uncertainty_product(u for k, u in parts if k.startswith("activity:"))
        groups.setdefault(shared, []).append((emission, own))
    category_terms = []
    for shared, members in groups.items():
        total = sum((e for e, _ in members), Decimal(0))
        u_activity = combined_uncertainty_sum(members)
        u_cat = combined_uncertainty_product([u_activity, *(u for _, u in shared)])
        category_terms.append((total, u_cat))
    return combined_uncertainty_sum(category_terms), per_line


@dataclass(frozen=True)
class MonteCarloResult:
    mean: float
    p2_5: float
    p97_5: float
    draws: int
    seed: int
    samples: NDArray[np.float64]


def monte_carlo(lines: Sequence[UncertainLine], draws: int = DEFAULT_DRAWS,
                seed: int = DEFAULT_SEED) -> MonteCarloResult:
    """Monte Carlo of the total (IPCC Approach 2), vectorised; shared keys are drawn once per trial.

    Per trial, every key k gets z_k = σ_k·N(0, 1) − σ_k²/2 (ln of a mean-1 lognormal), drawn from one
    seeded stream in the order keys first appear (trial by trial, key by key); a line's factor is
    exp(Σ c_jk·z_k over its keys, added in the order the keys first appear; c_jk how many times line j
    names key k, 1 but for a key named twice) and the trial's total is
    Σ_j E_j·factor_j. Trials are processed in blocks of :data:`BLOCK` with buffers reused, so a
    24,000-line inventory with 10,000 draws stays within a few hundred MB.
    """
    if draws < 1:
        raise ValueError("draws must be positive")
    keys: dict[str, int] = {}
    sigma: list[float] = []
    sigma_of: dict[float, float] = {}  # one σ per distinct U (few: the data-quality tiers and factor rows)
    line_keys: list[tuple[tuple[int, ...], tuple[float, ...]]] = []  # per line: its keys, ascending, and c_jk
    for line in lines:
        own: dict[int, float] = {}
        for key, pct in line.parts:
            if key not in keys:
                keys[key] = len(keys)
                if pct not in sigma_of:
                    sigma_of[pct] = float(np.log1p(pct / 100.0) / 1.959963984540054)
                sigma.append(sigma_of[pct])
            own[keys[key]] = own.get(keys[key], 0.0) + 1.0
        ordered = sorted(own)
        line_keys.append((tuple(ordered), tuple(own[k] for k in ordered)))
    emissions = np.array([ln.emission for ln in lines], dtype=np.float64)
    sig = np.array(sigma, dtype=np.float64)
    shift = 0.5 * sig * sig
    # lines grouped by how many keys they have (and whether a key is named twice): ln factor_j = z[k1] + z[k2] + …
    by_count: dict[tuple[int, bool], list[int]] = {}
    for j, (line_key_ids, counts) in enumerate(line_keys):
        by_count.setdefault((len(line_key_ids), any(c != 1.0 for c in counts)), []).append(j)
    groups = [(np.array(js, dtype=np.intp), np.array([line_keys[j][0] for j in js], dtype=np.intp).reshape(len(js), m),
               np.array([line_keys[j][1] for j in js], dtype=np.float64).reshape(len(js), m) if twice else None)
              for (m, twice), js in sorted(by_count.items()) if m]
    rng = np.random.default_rng(seed)
    totals = np.empty(draws, dtype=np.float64)
    n_keys, n_lines = len(keys), len(lines)
    if not n_keys:  # nothing uncertain: every trial is the central total
        for start in range(0, draws, BLOCK):
            n = min(BLOCK, draws - start)
            totals[start:start + n] = np.exp(np.zeros((n, n_lines))) @ emissions
        draws_left = 0
    else:
        draws_left = draws
    # The matrix–vector product of each block of BLOCK trials has the shape and layout it always had (trials ×
    # lines, column-major), so each trial's total is added up the same way; the draws and sums before it run
    # on SUB trials at a time in buffers reused throughout: fresh arrays of hundreds of MB per block cost more
    # in page faults than the arithmetic.
    block = min(BLOCK, draws)
    rows = min(LINES_AT_ONCE, n_lines)
    keyless = any(not key_ids for key_ids, _ in line_keys)  # lines with no uncertain input: a factor of exactly 1
    schedule = [(first, min(block, draws - first), i0) for first in range(0, draws_left, block)
                for i0 in range(0, min(block, draws - first), SUB)]  # (block start, block size, sub-block start)
    drawn: dict[tuple[int, int], NDArray[np.float64]] = {}  # (width, parity) → trial × key: two per width

    def draw(i: int) -> NDArray[np.float64]:
        """The z of sub-block ``i`` (the stream's next draws, in order: one worker draws them all)."""
        _, n, i0 = schedule[i]
        w = min(SUB, n - i0)
        if (w, i % 2) not in drawn:
            drawn[(w, i % 2)] = np.empty((w, n_keys))
        z = drawn[(w, i % 2)]
        rng.standard_normal(out=z)
        np.multiply(z, sig, out=z)
        np.subtract(z, shift, out=z)
        return z

    buffers: dict[int, tuple[NDArray[np.float64], ...]] = {}
    log_factor = np.empty((n_lines, block), dtype=np.float64)  # line × trial
    # The next sub-block is drawn by a worker thread while this one is summed (numpy draws without the GIL).
    with ThreadPoolExecutor(max_workers=1) as worker:
        pending = worker.submit(draw, 0) if schedule else None
        for i, (first, n, i0) in enumerate(schedule):
            assert pending is not None
            z = pending.result()
            pending = worker.submit(draw, i + 1) if i + 1 < len(schedule) else None
            w = z.shape[0]
            if i0 == 0:
                if n < block:  # the last, shorter block
                    log_factor = np.empty((n_lines, n), dtype=np.float64)
                if keyless:
                    log_factor[...] = 0.0
            if w not in buffers:  # key × trial, two line × trial sums
                buffers[w] = (np.empty((n_keys, w)), np.empty((rows, w)), np.empty((rows, w)))
            z_by_key, acc_buf, add_buf = buffers[w]
            z_by_key[...] = z.T
            _sum_logs(z_by_key, groups, rows, log_factor[:, i0:i0 + w], acc_buf, add_buf)
            if i0 + w == n:
                np.exp(log_factor, out=log_factor)
                totals[first:first + n] = log_factor.T @ emissions
    low, high = np.percentile(totals, [2.5, 97.5])
    return MonteCarloResult(float(totals.mean()), float(low), float(high), draws, seed, totals)


def _sum_logs(z_by_key: NDArray[np.float64], groups: list[Any], rows: int, out: NDArray[np.float64],
              acc_buf: NDArray[np.float64], add_buf: NDArray[np.float64]) -> None:
    """``out[j] = Σ c_jk·z_k`` over the keys of line j, added in ascending key order (line × trial)."""
    for js, ks, cs in groups:
        for s0 in range(0, len(js), rows):
            part, target = ks[s0:s0 + rows], js[s0:s0 + rows]
            m, t0 = len(part), int(target[0])
            acc, add = acc_buf[:m], add_buf[:m]
            np.take(z_by_key, part[:, 0], axis=0, out=acc)
            if cs is not None:
                acc *= cs[s0:s0 + m, :1]
            for c in range(1, part.shape[1]):
                np.take(z_by_key, part[:, c], axis=0, out=add)
                if cs is not None:
                    add *= cs[s0:s0 + m, c:c + 1]
                np.add(acc, add, out=acc)
            if int(target[-1]) - t0 == m - 1:  # consecutive lines (the usual case): a slice
                out[t0:t0 + m] = acc
            else:
                out[target] = acc


#: Trials per block of the Monte Carlo (the block's total of each trial is one matrix–vector product; keep
#: 2 000: BLAS adds a trial's lines the same way only for the same block shape, and results are pinned).
BLOCK = 2000
#: Trials drawn at once, and lines whose log-factors are summed at once (buffers of a few tens of MB).
SUB = 250
LINES_AT_ONCE = 1024
