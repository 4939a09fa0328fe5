"""Sparse demand × site cost matrices that keep zero distances (a site on a demand point)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy import sparse

from walouja.errors import AnalysisError


@dataclass(frozen=True)
class SparseCost:
    """Some pairs of a demand × site cost matrix: the ones a formulation needs.

    Unlike ``scipy.sparse`` matrices this keeps explicit zeros, since a candidate site placed
    on a demand point is at distance 0 from it.

    Attributes
    ----------
    rows, cols
        Demand and site index of each stored pair.
    cost
        Cost of each pair (great-circle km in Walouja), finite and ≥ 0.
    shape
        ``(n_demand, n_sites)``.
    """

    rows: NDArray[np.int64]
    cols: NDArray[np.int64]
    cost: NDArray[np.float64]
    shape: tuple[int, int]

    def __post_init__(self) -> None:
        n_rows, n_cols = self.shape
        if not (len(self.rows) == len(self.cols) == len(self.cost)):
            raise AnalysisError("sparse cost: rows, cols and cost differ in length")
        if len(self.rows) and (
            self.rows.min() < 0
            or self.rows.max() >= n_rows
            or self.cols.min() < 0
            or self.cols.max() >= n_cols
        ):
            raise AnalysisError(f"sparse cost: an index lies outside the shape {self.shape}")
        if len(self.cost) and (not np.all(np.isfinite(self.cost)) or self.cost.min() < 0):
            raise AnalysisError("sparse cost: every cost must be finite and ≥ 0")

    @classmethod
    def from_arrays(
        cls,
        rows: NDArray[np.integer] | list[int],
        cols: NDArray[np.integer] | list[int],
        cost: NDArray[np.floating] | list[float],
        shape: tuple[int, int],
    ) -> SparseCost:
        """Pairs given as three parallel arrays."""
        return cls(
            np.asarray(rows, dtype=np.int64),
            np.asarray(cols, dtype=np.int64),
            np.asarray(cost, dtype=float),
            (int(shape[0]), int(shape[1])),
        )

    @classmethod
    def from_dense(
        cls, matrix: NDArray[np.floating], *, keep: NDArray[np.bool_] | None = None
    ) -> SparseCost:
        """The pairs of a dense matrix where ``keep`` is true (all finite pairs by default)."""
        dense = np.asarray(matrix, dtype=float)
        if dense.ndim != 2:
            raise AnalysisError(f"cost matrix must be 2-D, got shape {dense.shape}")
        mask = np.isfinite(dense) if keep is None else (keep & np.isfinite(dense))
        rows, cols = np.nonzero(mask)
        return cls(
            rows.astype(np.int64),
            cols.astype(np.int64),
            dense[rows, cols],
            (dense.shape[0], dense.shape[1]),
        )

    @property
    def nnz(self) -> int:
        """Number of stored pairs."""
        return len(self.rows)

    def select(self, keep: NDArray[np.bool_]) -> SparseCost:
        """The stored pairs where ``keep`` (one flag per pair) is true."""
        return SparseCost(self.rows[keep], self.cols[keep], self.cost[keep], self.shape)

    def row_min(self) -> NDArray[np.float64]:
        """Smallest stored cost per row (``inf`` for a row without pairs)."""
        out = np.full(self.shape[0], np.inf)
        np.minimum.at(out, self.rows, self.cost)
        return out

    def indicator_csc(self) -> sparse.csc_matrix:
        """0/1 matrix of the stored pairs, column-compressed."""
        data = np.ones(self.nnz, dtype=float)
        return sparse.csc_matrix((data, (self.rows, self.cols)), shape=self.shape)


def as_sparse(matrix: NDArray[np.floating] | SparseCost, *, what: str) -> SparseCost:
    """A ``SparseCost`` from a dense array (all finite pairs) or an existing one."""
    if isinstance(matrix, SparseCost):
        return matrix
    dense = np.asarray(matrix, dtype=float)
    if dense.ndim != 2:
        raise AnalysisError(f"{what} must be a 2-D matrix, got shape {dense.shape}")
    if np.any(dense[np.isfinite(dense)] < 0):
        raise AnalysisError(f"{what} has negative costs")
    return SparseCost.from_dense(dense)
