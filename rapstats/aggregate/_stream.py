"""The weighted and design sums of an export read in batches: :class:`StreamedSums`.

Integer counts add up exactly whatever the order (:func:`rapstats.aggregate.merge_counts`);
sums of floating-point weights do not. So the sums of the batches are kept per cross cell of
the whole export's layout (and answer, or sampling unit), and each batch is added into them
respondent by respondent (``np.add.at``), in the order of the file: the same additions, in the
same order, as ``np.bincount`` over the whole export makes, hence the same bits. The cells,
margins and design sums are made from them once, at the end, as for the whole export.

The weights of each batch are scaled by a power of two of its own largest
(:func:`rapstats.normalise.normalise`); the sums are kept at the scale of the largest weight so
far and rescaled (by a power of two: exact) when a batch brings a larger one, so that they end
at the scale of the whole export's largest weight. The spread of the weights
(``MAX_WEIGHT_RATIO``) is checked on the smallest and largest of the whole export.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

import numpy as np

from rapstats.aggregate._counts import Counts
from rapstats.aggregate._design import DesignSums
from rapstats.aggregate._layout import Layout
from rapstats.aggregate._sums import (
    Key,
    Term,
    Units,
    design_sums,
    table_rows,
    terms,
    weighted_columns,
)
from rapstats.errors import InputError
from rapstats.normalise import MAX_WEIGHT_RATIO, DesignCodes, Responses, group_sort_key
from rapstats.spec import Spec
from rapstats.table import Table


class StreamedSums:
    """The weighted (and design) sums of the batches of one export added so far.

    Parameters
    ----------
    spec : Spec
        The spec every batch was normalised with (weighted: ``[survey] weight``, or a design).
    names : tuple of str
        Grouping variables, as given to :func:`rapstats.aggregate.aggregate`.

    Examples
    --------
    >>> sums = StreamedSums(spec, names)  # doctest: +SKIP
    >>> for responses in batches:  # doctest: +SKIP
    ...     sums.add(responses)
    >>> counts = sums.counts(merge_counts(unweighted, levels))  # doctest: +SKIP
    """

    def __init__(self, spec: Spec, names: tuple[str, ...]) -> None:
        self.spec = spec
        self.names = names
        self.levels: list[list[str]] = [[] for _ in names]
        self.units: list = []  # PSUs (stratum, id) with ids, else strata
        self.strata: list[str] = []
        self.fpc: dict[str, float] = {}
        self.respondents: dict[str, int] = {}  # per stratum (a design without ids)
        self.by_psu: bool | None = None  # None: no design
        self.occupied = np.zeros(0 if names else 1, dtype=np.int64)
        self.totals: dict[Key, np.ndarray] = {}
        self.kinds: dict[Key, tuple[str, int]] = {}
        self.scale: int | None = None
        self.low, self.high = np.inf, 0.0

    def add(self, responses: Responses) -> None:
        """Add the sums of one batch (the next respondents of the export)."""
        assert responses.weights is not None  # only weighted responses have sums
        cross = self._cross(responses)
        units = self._units(responses.design)
        weighted = replace(responses, weights=self._rescaled(responses))
        for term in terms(weighted, units):
            self._add(term, cross)

    def counts(self, merged: Counts) -> Counts:
        """The counts of the whole export: ``merged``, the added unweighted counts of every
        batch, with the sums of the weights (and the design sums)."""
        if self.spec.design.weight and self.high / MAX_WEIGHT_RATIO > self.low:
            raise InputError(  # the whole-file reader names the rows
                f"weights range from {self.low:g} to {self.high:g}, a ratio above "
                f"{MAX_WEIGHT_RATIO:g}",
                column=self.spec.design.weight,
                hint="check the weight column; survey weights differ by a few orders of magnitude",
            )
        layout = Layout(self.names, self.levels, self.occupied > 0)
        assert len(layout.cells) == len(merged.cells)  # both in layout order over the levels
        totals = {
            key: a.reshape(-1) if self.kinds[key][0] == "cell" else a
            for key, a in self.totals.items()
        }
        parts = [
            c
            for q in self.spec.estimated_questions
            for c in weighted_columns(q, totals, layout.per_cell)
        ]
        table = {name: merged.table[name] for name in merged.table.columns}
        for key in ("sum_w", "sum_wy", "sum_w2", "sum_w2y"):
            arrays = [np.asarray(p[key]) for p in parts]
            table[key] = np.concatenate(arrays).astype(np.float64) if arrays else np.zeros(0)
        design = None
        if self.by_psu is not None:
            rows = table_rows(self.spec)
            sums = design_sums(rows, totals, layout.per_cell, len(self.units), self.by_psu)
            design = self._design(sums)
        return replace(
            merged, table=Table(table, length=len(merged.table)), weighted=True, design=design
        )

    def _cross(self, responses: Responses) -> np.ndarray:
        """Each respondent's cross cell of the whole export's levels (taking in the batch's)."""
        batch = [responses.groups[name][1] for name in self.names]
        grown = []
        for name, mine, theirs in zip(self.names, self.levels, batch, strict=True):
            union = set(mine) | set(theirs)
            key = group_sort_key(self.spec.group(name))
            grown.append(mine if len(union) == len(mine) else sorted(union, key=key))
        if grown != self.levels:
            self._regrid(grown, self.units)
        cross = np.zeros(responses.n, dtype=np.int64)
        for name, levels, theirs in zip(self.names, self.levels, batch, strict=True):
            at = {label: i for i, label in enumerate(levels)}
            place = np.array([at[label] for label in theirs], dtype=np.int64)
            cross = cross * len(levels) + place[responses.groups[name][0]]
        self.occupied += np.bincount(cross, minlength=len(self.occupied))
        return cross

    def _units(self, design: DesignCodes | None) -> Units | None:
        """The batch's sampling units as codes of the whole export's (taking in its own)."""
        if design is None:
            return None
        self.by_psu = bool(design.psus)
        for label, value in zip(design.strata, design.fpc.tolist(), strict=True):
            if self.fpc.setdefault(label, value) != value:
                raise InputError(  # the whole-file reader names the row
                    "the fpc of a stratum differs between parts of the export",
                    hint="give each stratum one fpc value",
                )
        self.strata = sorted(set(self.strata) | set(design.strata))
        mine = design.psus if self.by_psu else design.strata
        if not set(mine) <= set(self.units):
            self._regrid(self.levels, sorted(set(self.units) | set(mine)))
        at = {unit: i for i, unit in enumerate(self.units)}
        place = np.array([at[unit] for unit in mine], dtype=np.int64)
        if self.by_psu:
            return Units(place[design.psu], len(self.units), True)
        per_stratum = np.bincount(design.psu_stratum, minlength=len(design.strata))
        for label, n in zip(design.strata, per_stratum.tolist(), strict=True):
            self.respondents[label] = self.respondents.get(label, 0) + n
        return Units(place[design.psu_stratum[design.psu]], len(self.units), False)

    def _rescaled(self, responses: Responses) -> np.ndarray:
        """The batch's weights at the scale of the largest weight so far (the sums so far
        rescaled when this batch's is larger)."""
        w, scale = responses.weights, responses.weight_scale
        assert w is not None
        self.low = min(self.low, float(np.ldexp(w.min(), scale)))
        self.high = max(self.high, float(np.ldexp(w.max(), scale)))
        if self.scale is None:
            self.scale = scale
        if scale > self.scale:
            for key, total in self.totals.items():
                power = self.kinds[key][1]
                np.ldexp(total, -power * (scale - self.scale), out=total)
            self.scale = scale
        return w if scale == self.scale else np.ldexp(w, scale - self.scale)

    def _add(self, term: Term, cross: np.ndarray) -> None:
        """Add a batch's term into its sums, respondent by respondent."""
        total = self.totals.get(term.key)
        if total is None:
            total = np.zeros((len(self.occupied), term.width))
            self.totals[term.key] = total
            self.kinds[term.key] = (term.kind, term.power)
        values, column = term.values, term.column
        if term.among is not None:
            cross, values = cross[term.among], values[term.among]
            column = None if column is None else column[term.among]
        index = cross if column is None else cross * term.width + column
        np.add.at(total.reshape(-1), index, values)

    def _regrid(self, levels: list[list[str]], units: list) -> None:
        """Move every sum to the cells of grown ``levels`` (and columns of grown ``units``)."""
        where = [
            np.array([new.index(label) for label in old], dtype=np.int64)
            for old, new in zip(self.levels, levels, strict=True)
        ]
        unit_at = np.array([units.index(u) for u in self.units], dtype=np.int64)
        sizes = [len(lv) for lv in levels]
        old_sizes = [len(lv) for lv in self.levels]
        n_cross = int(np.prod(sizes)) if sizes else 1
        occupied = np.zeros(n_cross, dtype=np.int64)
        occupied.reshape(sizes or [1])[np.ix_(*where)] = self.occupied.reshape(old_sizes or [1])
        self.occupied = occupied
        for key, old in self.totals.items():
            unit = self.kinds[key][0] == "unit"
            columns = unit_at if unit else np.arange(old.shape[1])
            new = np.zeros((n_cross, len(units) if unit else old.shape[1]))
            target = new.reshape((*sizes, new.shape[1]))
            target[np.ix_(*where, columns)] = old.reshape((*old_sizes, old.shape[1]))
            self.totals[key] = new
        self.levels, self.units = levels, units

    def _design(self, sums: dict[str, np.ndarray]) -> DesignSums:
        """The design sums of the whole export."""
        strata = tuple(self.strata)
        if self.by_psu:
            units: Sequence[tuple[str, str]] = tuple(self.units)
            unit_stratum = np.array([strata.index(s) for s, _ in units], dtype=np.int64)
            psus = np.bincount(unit_stratum, minlength=len(strata))
        else:
            units = ()
            unit_stratum = np.arange(len(strata))
            psus = np.array([self.respondents[s] for s in strata], dtype=np.int64)
        fpc = np.array([self.fpc[s] for s in strata], dtype=float)
        return DesignSums(unit_stratum, psus, fpc, strata, tuple(units), sums, bool(self.by_psu))
