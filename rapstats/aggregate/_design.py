"""Design sums: per row of the counts table and sampling unit, additive across parts."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from rapstats.errors import InputError
from rapstats.normalise import DesignCodes
from rapstats.spec import Design


@dataclass(frozen=True, slots=True)
class DesignSums:
    """Design sums per row of :attr:`Counts.table` and sampling unit (see module notes).

    Attributes
    ----------
    unit_stratum : numpy.ndarray
        The stratum code of each unit: PSUs when the design has ``ids``, else the strata
        themselves (each response is then its own PSU).
    psus : numpy.ndarray
        PSUs per stratum in the whole sample (respondents, without ``ids``).
    fpc : numpy.ndarray
        The ``fpc`` value of each stratum (population of PSUs, or sampling fraction when all
        are at most 1; 0 without ``fpc``); :attr:`fraction` is the sampling fraction.
    strata : tuple of str
        Stratum labels by code; ``units`` the (stratum, id) labels of each PSU unit (empty
        without ``ids``): the keys on which the sums of two parts add up.
    sums : dict
        ``n`` (respondents in the base), ``w``, ``wy`` and, without ``ids``, ``w2``, ``w2y``:
        arrays (table rows x units).
    by_psu : bool
        Whether the units are PSUs (the design has ``ids``) or strata.
    """

    unit_stratum: np.ndarray
    psus: np.ndarray
    fpc: np.ndarray
    strata: tuple[str, ...]
    units: tuple[tuple[str, str], ...]
    sums: dict[str, np.ndarray]
    by_psu: bool

    @classmethod
    def of_codes(
        cls, d: DesignCodes, sums: dict[str, np.ndarray], frequency: np.ndarray | None = None
    ) -> DesignSums:
        """The design sums ``sums`` (see :func:`rapstats.aggregate._sums.design_sums`) of the
        responses coded ``d`` (each row ``frequency`` responses; None: one each)."""
        by_psu = bool(d.psus)
        if by_psu or frequency is None:
            psus = np.bincount(d.psu_stratum, minlength=len(d.strata))
        else:  # each response is its own PSU: count the responses of each row's stratum
            psus = np.bincount(d.psu_stratum[d.psu], frequency, len(d.strata)).astype(np.int64)
        return cls(
            unit_stratum=d.psu_stratum if by_psu else np.arange(len(d.strata)),
            psus=psus,
            fpc=d.fpc,
            strata=d.strata,
            units=d.psus if by_psu else (),
            sums=sums,
            by_psu=by_psu,
        )

    @property
    def fraction(self) -> np.ndarray:
        """First-stage sampling fraction per stratum, n_h / N_h (0 without ``fpc``)."""
        if np.all(self.fpc <= 1):
            return self.fpc.astype(float)
        return self.psus / self.fpc

    def check(self, design: Design, path: object = None) -> None:
        """Raise an InputError if a stratum has one PSU (its variance cannot be estimated: R
        survey's default ``lonely.psu = "fail"``) or fewer population PSUs than sampled ones:
        checked on the sums of the whole sample, every part added."""
        lonely = np.flatnonzero(self.psus < 2)
        if len(lonely):
            raise InputError(
                f'stratum "{self.strata[lonely[0]]}" has only one PSU, so its variance cannot '
                f"be estimated ({len(lonely)} of {len(self.strata)} strata have one)",
                path=path,
                column=design.strata or design.ids,
                hint="merge it with a similar stratum in the strata column (R survey fails "
                'too, with its default options(survey.lonely.psu = "fail"))',
            )
        small = np.flatnonzero(self.fraction > 1)
        if len(small):
            h = small[0]
            raise InputError(
                f'the fpc of stratum "{self.strata[h]}" is {self.fpc[h]:g} PSUs, fewer than '
                f"the {self.psus[h]} sampled in it",
                path=path,
                column=design.fpc,
                hint="check the fpc column against the strata and cluster columns",
            )

    def merged(self, other: DesignSums) -> DesignSums:
        """The design sums of two parts of one sample (rows of the same table, in the same
        order), added unit by unit on the stratum and PSU labels."""
        strata = tuple(sorted(set(self.strata) | set(other.strata)))
        if not self.by_psu:  # the units are the strata; psus counts respondents
            place = [[strata.index(s) for s in part.strata] for part in (self, other)]
            units: tuple[tuple[str, str], ...] = ()
            unit_stratum = np.arange(len(strata))
        else:
            units = tuple(sorted(set(self.units) | set(other.units)))
            place = [[units.index(u) for u in part.units] for part in (self, other)]
            unit_stratum = np.array([strata.index(s) for s, _ in units], dtype=np.int64)
        sums = {}
        for key, mine in self.sums.items():
            total = np.zeros((mine.shape[0], len(unit_stratum)))
            total[:, place[0]] += mine
            total[:, place[1]] += other.sums[key]
            sums[key] = total
        fpc = np.zeros(len(strata))
        psus = np.zeros(len(strata), dtype=np.int64)
        for part in (self, other):
            at = [strata.index(s) for s in part.strata]
            if np.any((fpc[at] != 0) & (fpc[at] != part.fpc)):
                raise InputError(
                    "the fpc of a stratum differs between parts of the sample",
                    hint="give each stratum one fpc value in every file",
                )
            fpc[at] = part.fpc
            if not self.by_psu:
                psus[at] += part.psus
        if self.by_psu:
            psus = np.bincount(unit_stratum, minlength=len(strata))
        return DesignSums(unit_stratum, psus, fpc, strata, units, sums, self.by_psu)

    def per_stratum(self) -> dict[str, np.ndarray]:
        """Per row and stratum: ``n`` (PSUs with members of the row's base), ``w``, ``wy`` and
        the sums over PSUs of the squares and product of their totals, ``ww``, ``wwy``,
        ``wywy`` (what the linearised variance of a ratio needs)."""
        to_stratum = np.zeros((len(self.unit_stratum), len(self.psus)))
        to_stratum[np.arange(len(self.unit_stratum)), self.unit_stratum] = 1.0
        w, wy = self.sums["w"], self.sums["wy"]
        if self.by_psu:
            return {
                "n": (w > 0) @ to_stratum,
                "w": w @ to_stratum,
                "wy": wy @ to_stratum,
                "ww": (w * w) @ to_stratum,
                "wwy": (w * wy) @ to_stratum,
                "wywy": (wy * wy) @ to_stratum,
            }
        w2, w2y = self.sums["w2"], self.sums["w2y"]  # y² = y
        return {"n": self.sums["n"], "w": w, "wy": wy, "ww": w2, "wwy": w2y, "wywy": w2y}
