"""Survey design columns: strata, first-stage clusters (PSUs) and the finite population
correction, coded per response (see docs/estimate.md, "Survey designs")."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from rapstats.errors import InputError
from rapstats.io import Coded, Export
from rapstats.normalise._weights import _number


@dataclass(frozen=True, slots=True)
class DesignCodes:
    """The sampling design of the responses.

    Attributes
    ----------
    psu : numpy.ndarray
        Per response, the code of its PSU (its own row when ``[survey] ids`` is not given);
        ids are nested in strata (the same id in two strata is two PSUs).
    psu_stratum : numpy.ndarray
        Per PSU, the code of its stratum.
    fpc : numpy.ndarray
        Per stratum, the ``fpc`` value: its population of PSUs N_h, or its sampling fraction
        when every value is at most 1 (0 without ``fpc``).
    strata : tuple of str
        Stratum labels, by code (``("",)`` without ``[survey] strata``).
    psus : tuple of (str, str)
        Per PSU, its (stratum, id) labels: the key that lets design sums add up across parts;
        empty without ``ids`` (each response is its own PSU).
    weights : numpy.ndarray
        The design's weights when the spec gives no weight column: N_h / n_h from ``fpc``,
        else 1 (as R ``svydesign``).
    """

    psu: np.ndarray
    psu_stratum: np.ndarray
    fpc: np.ndarray
    strata: tuple[str, ...]
    psus: tuple[tuple[str, str], ...]
    weights: np.ndarray

    @staticmethod
    def stratum_weights(fpc: np.ndarray, n_h: np.ndarray) -> np.ndarray:
        """Per stratum, the design's weight N_h / n_h (as R ``svydesign`` without weights)
        from its ``fpc`` value (population of PSUs N_h, or sampling fraction when every value
        is at most 1) and its sampled PSUs ``n_h`` in the whole sample: computed here alone,
        so that an export read in batches gets the same bits."""
        return _population_of(fpc, n_h) / n_h


def parse_design(export: Export, found: dict[str, tuple[str, Coded]]) -> DesignCodes:
    """Code the design columns ``found`` (key ``strata``, ``ids``, ``fpc`` -> (column, values));
    a blank stratum or id, or an fpc that is not one positive number per stratum at least its
    sampled PSUs is an InputError naming the row, the column and the fix. (A stratum with one
    PSU is found once the sums of every part are in: ``DesignSums.check``.)"""
    n = export.rows_read
    if "strata" in found:
        labels, s_code = _labels(export, *found["strata"])
    else:
        labels, s_code = ("",), np.zeros(n, dtype=np.int64)
    if "ids" in found:
        ids, i_code = _labels(export, *found["ids"])
        pair = s_code * len(ids) + i_code
    else:
        ids, pair = ("",) * n, s_code * n + np.arange(n)
    keys, psu = np.unique(pair, return_inverse=True)
    width = len(ids)
    psu_stratum = keys // width
    psus = ()
    if "ids" in found:
        psus = tuple((labels[s], ids[i]) for s, i in zip(psu_stratum, keys % width, strict=True))
    n_h = np.bincount(psu_stratum, minlength=len(labels))
    fpc = np.zeros(len(labels))
    weights = np.ones(n)
    if "fpc" in found:
        fpc = _fpc(export, *found["fpc"], s_code, n_h)
        weights = DesignCodes.stratum_weights(fpc, n_h)[s_code]
    return DesignCodes(psu.astype(np.int64), psu_stratum, fpc, labels, psus, weights)


def _labels(export: Export, column: str, coded: Coded) -> tuple[tuple[str, ...], np.ndarray]:
    """Sorted distinct values of a stratum or cluster column and each response's code; a blank
    is an InputError naming its row."""
    blank = coded.codes < 0
    if blank.any():
        raise InputError(
            f"design column is blank ({int(blank.sum())} rows in all)",
            path=export.path,
            row=int(export.row_numbers[int(np.flatnonzero(blank)[0])]),
            column=column,
            hint="give every response its stratum and cluster",
        )
    categories = np.array(coded.categories, dtype=object)
    order = np.argsort(categories.astype(str), kind="stable")
    rank = np.empty(len(order), dtype=np.int64)
    rank[order] = np.arange(len(order))
    return tuple(categories[order].tolist()), rank[coded.codes]


def _population_of(fpc: np.ndarray, n_h: np.ndarray) -> np.ndarray:
    """Each stratum's population of PSUs from its ``fpc`` value: sizes, or sampling fractions
    when all are at most 1 (as R ``svydesign``)."""
    return n_h / fpc if np.all(fpc <= 1) else fpc


def _fpc(
    export: Export, column: str, coded: Coded, s_code: np.ndarray, n_h: np.ndarray
) -> np.ndarray:
    """The fpc value of each stratum, checked: one per stratum, giving a population of PSUs
    at least its sampled ones."""
    values = np.array([_number(c) for c in coded.categories] + [np.nan])[coded.codes]
    first = values[np.unique(s_code, return_index=True)[1]]
    population = _population_of(first, n_h)
    bad = ~(np.isfinite(values) & (values > 0)) | (values != first[s_code])
    small = (population < n_h)[s_code] & ~bad
    if bad.any() or small.any():
        i = int(np.flatnonzero(bad | small)[0])
        found = f"it is {values[i]:g}" if bad[i] else f"it gives {population[s_code[i]]:g}"
        raise InputError(
            f"the fpc must give each stratum one population of PSUs, at least the "
            f"{n_h[s_code[i]]} sampled in it (or one sampling fraction, at most 1); {found}",
            path=export.path,
            row=int(export.row_numbers[i]),
            column=column,
            hint="check the fpc column against the strata and cluster columns",
        )
    return first
