"""The weighted and design sums of an export read in batches: :class:`StreamedSums`.

Counts add up exactly whatever the order (:func:`rapstats.aggregate.merge_counts`), and so do
the exact sums of weights (:mod:`rapstats.aggregate._exact`): each batch's terms are added,
as integer limbs, into the sums per cross cell of the whole export's layout (and answer, or
sampling unit) so far; the cells, margins and design sums are made from them once, at the
end, and each published sum rounded once, as for the whole export: the same bits, whatever the
batches.

The weights of each batch come divided by a power of two of its own largest
(:func:`rapstats.normalise.normalise`); their limbs are placed at the binary position of the
weights as parsed (:class:`rapstats.aggregate._sums.SplitWeights` with the batch's scale), and
the sums rounded at the scale of the whole export's largest weight at the end. The spread of
the weights (``MAX_WEIGHT_RATIO``) is checked on the smallest and largest of the whole export.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from rapstats.aggregate._counts import Counts
from rapstats.aggregate._design import DesignSums
from rapstats.aggregate._exact import ExactSums, limbs_of
from rapstats.aggregate._layout import Layout
from rapstats.aggregate._sums import (
    CrossSums,
    Key,
    Totals,
    Units,
    design_sums,
    table_rows,
    terms,
    weighted_columns,
)
from rapstats.aggregate._weights import SplitWeights
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
        self.totals: Totals = {}
        self.kinds: dict[Key, tuple[str, int, int]] = {}  # each term's kind, width and power
        self.scale: int | None = None
        self.low, self.high = np.inf, 0.0
        # an fpc without weights: N_h / n_h needs the whole export's n_h, so the terms are
        # counted per stratum (per unit, for the design's) and weighed at the end
        self.derived = bool(spec.design.fpc and not spec.design.weight)

    def add(self, responses: Responses) -> None:
        """Add the sums of one batch (the next respondents of the export)."""
        w, scale = responses.weights, responses.weight_scale
        assert w is not None  # only weighted responses have sums
        self.low = min(self.low, float(np.ldexp(w.min(), scale)))
        self.high = max(self.high, float(np.ldexp(w.max(), scale)))
        self.scale = scale if self.scale is None else max(self.scale, scale)
        cross = self._cross(responses)
        units = self._units(responses.design)
        if self.derived:
            self._count(responses, cross, units)
            return
        sums = CrossSums(cross, len(self.occupied), SplitWeights(w, scale))
        for term in terms(responses, units):
            total = self.totals.get(term.key)
            if term.power == 0:
                counted = sums(term)
                self.totals[term.key] = counted if total is None else total + counted
            else:
                if total is None:
                    total = self.totals[term.key] = ExactSums(len(self.occupied) * term.width)
                assert isinstance(total, ExactSums)
                sums(term, into=total)
            self.kinds[term.key] = (term.kind, term.width, term.power)

    def _count(self, responses: Responses, cross: np.ndarray, units: Units | None) -> None:
        """Count each term's respondents per cross cell, column and stratum (the design's
        terms: per unit, which is in one stratum)."""
        design = responses.design
        assert design is not None and units is not None  # an fpc is a design
        at = {label: i for i, label in enumerate(self.strata)}
        place = np.array([at[label] for label in design.strata], dtype=np.int64)
        stratum, h = place[design.psu_stratum[design.psu]], len(self.strata)
        sums = CrossSums(cross, len(self.occupied))
        for term in terms(responses, units):
            self.kinds[term.key] = (term.kind, term.width, term.power)
            if term.power and term.kind != "unit":
                column = stratum if term.column is None else term.column * h + stratum
                term = replace(term, column=column, width=term.width * h)
            counted = sums(replace(term, power=0))
            total = self.totals.get(term.key)
            self.totals[term.key] = counted if total is None else total + counted

    def _weighed(self) -> Totals:
        """The totals of an fpc without weights: the counts per stratum (or unit) times each
        stratum's weight N_h / n_h of the whole export (or its square), exactly."""
        unit_stratum, psus = self._unit_strata()
        fpc = np.array([self.fpc[s] for s in self.strata], dtype=float)
        w_h = DesignCodes.stratum_weights(fpc, psus)
        out: Totals = {}
        for key, counted in self.totals.items():
            kind, width, power = self.kinds[key]
            if not power:
                out[key] = counted
                continue
            per = w_h if power == 1 else w_h * w_h
            if kind == "unit":  # (cross cells, units)
                per, group = per[unit_stratum], 1
            else:  # (cross cells, columns x strata)
                group = len(self.strata)
            values = np.broadcast_to(per, (counted.size // len(per), len(per))).reshape(-1)
            some = counted.reshape(-1) > 0
            limbs, low = limbs_of(values[some], counted.reshape(-1)[some])
            sums = out[key] = ExactSums(counted.size // group)
            sums.add_limbs(np.flatnonzero(some) // group, limbs, low)
        return out

    def _unit_strata(self) -> tuple[np.ndarray, np.ndarray]:
        """The stratum of each unit, and the PSUs of each stratum in the whole export."""
        if self.by_psu:
            unit_stratum = np.array([self.strata.index(s) for s, _ in self.units], dtype=np.int64)
            return unit_stratum, np.bincount(unit_stratum, minlength=len(self.strata))
        psus = np.array([self.respondents[s] for s in self.strata], dtype=np.int64)
        return np.arange(len(self.strata)), psus

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
        scale = self.scale or 0
        totals = self._weighed() if self.derived else self.totals
        parts = [
            c
            for q in self.spec.estimated_questions
            for c in weighted_columns(q, totals, layout.per_cell, scale)
        ]
        table = {name: merged.table[name] for name in merged.table.columns}
        for key in ("sum_w", "sum_wy", "sum_w2", "sum_w2y"):
            arrays = [np.asarray(p[key]) for p in parts]
            table[key] = np.concatenate(arrays).astype(np.float64) if arrays else np.zeros(0)
        design = None
        if self.by_psu is not None:
            rows = table_rows(self.spec)
            units = len(self.units)
            sums = design_sums(rows, totals, layout.per_cell, units, self.by_psu, scale)
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
        strata = sorted(set(self.strata) | set(design.strata))
        if self.derived and strata != self.strata:
            self._restrata(strata)
        self.strata = strata
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

    def _restrata(self, strata: list[str]) -> None:
        """Move the counts per stratum (an fpc without weights) to the columns of grown
        ``strata``."""
        at = np.array([strata.index(s) for s in self.strata], dtype=np.int64)
        for key, old in self.totals.items():
            kind, width, power = self.kinds[key]
            if power and kind != "unit":
                assert isinstance(old, np.ndarray)
                new = np.zeros((len(old), width, len(strata)), dtype=old.dtype)
                new[:, :, at] = old.reshape(len(old), width, -1)
                self.totals[key] = new.reshape(len(old), -1)

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

        def moved(old: np.ndarray, unit: bool) -> np.ndarray:
            """Per old cross cell (x column, x limb) -> per new one."""
            columns = unit_at if unit else np.arange(old.shape[1])
            shape = (n_cross, len(units) if unit else old.shape[1], *old.shape[2:])
            new = np.zeros(shape, dtype=old.dtype)
            target = new.reshape((*sizes, *new.shape[1:]))
            index = np.ix_(*where, columns, *(np.arange(k) for k in old.shape[2:]))
            target[index] = old.reshape((*old_sizes, *old.shape[1:]))
            return new

        for key, old in self.totals.items():
            kind, width, _ = self.kinds[key]
            unit = kind == "unit"
            if isinstance(old, ExactSums):
                new = ExactSums(n_cross * (len(units) if unit else width))
                limbs = old.limbs.reshape(-1, width, old.limbs.shape[1])
                new.limbs = moved(limbs, unit).reshape(new.size, -1)
                new.low = old.low
                self.totals[key] = new
            else:
                self.totals[key] = moved(old, unit)
        self.levels, self.units = levels, units

    def _design(self, sums: dict[str, np.ndarray]) -> DesignSums:
        """The design sums of the whole export."""
        unit_stratum, psus = self._unit_strata()
        fpc = np.array([self.fpc[s] for s in self.strata], dtype=float)
        units = tuple(self.units) if self.by_psu else ()
        strata = tuple(self.strata)
        return DesignSums(unit_stratum, psus, fpc, strata, units, sums, bool(self.by_psu))
