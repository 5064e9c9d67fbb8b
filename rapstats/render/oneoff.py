"""Plain-English results of ``rapstats ci`` and ``rapstats samplesize``."""

from __future__ import annotations

from typing import Any

from rapstats.render.tables import p_text, pct, pp
from rapstats.vocab import level


def oneoff_text(result: dict[str, Any]) -> str:
    """Plain-English lines for a ``rapstats ci`` / ``rapstats samplesize`` result."""
    conf = level(result.get("confidence", 0.95))
    kind = result.get("kind")
    if kind == "margin_of_error":
        fpc = f" from a population of {result['population']}" if result["population"] else ""
        return (
            f"{result['n']} responses{fpc} give a margin of error of ±{100 * result['margin']:g} "
            f"points at {conf} confidence for a share near {pct(result['p'], 0)} "
            f"(n = {result['n_unrounded']:.2f}, rounded up)."
        )
    if kind == "two_proportion_power":
        if result["n_per_group"] is not None:
            return (
                f"{result['n_per_group']} per group (n = {result['n_per_group_unrounded']:.2f}, "
                f"rounded up) detect {pct(result['p1'])} vs {pct(result['p2'])} with power "
                f"{result['power']:.0%} at two-sided alpha {result['alpha']:g}."
            )
        return (
            f"Power {result['power']:.3f} to detect {pct(result['p1'])} vs {pct(result['p2'])} "
            f"at two-sided alpha {result['alpha']:g}."
        )
    if "x1" in result:
        lines = [
            f"{_count(result['x1'])}/{_count(result['n1'])} = {pct(result['share1'])} vs "
            f"{_count(result['x2'])}/{_count(result['n2'])} = {pct(result['share2'])}",
            f"Difference {pp(result['diff'])} ({conf} CI {pp(result['diff_low'])} to "
            f"{pp(result['diff_high'])}, {result['method']})",
        ]
    else:
        lines = [
            f"{_count(result['x'])}/{_count(result['n'])} = {pct(result['share'])} "
            f"({conf} CI {pct(result['ci_low'])} to {pct(result['ci_high'])}, "
            f"{result['method']})"
        ]
        if result.get("baseline") is not None:
            lines.append(
                f"Baseline {pct(result['baseline'])}: difference {pp(result['diff'])} "
                f"({conf} CI {pp(result['diff_low'])} to {pp(result['diff_high'])})"
            )
    if result.get("test"):
        z = f", z = {result['z']:.2f}" if result.get("z") is not None else ""
        p = p_text(result["p_value"])
        p = f"p < {p[1:]}" if p.startswith("<") else f"p = {p}"
        fixed = (
            "; the test treats the baseline as fixed, its uncertainty widens only the "
            "difference's interval"
            if result.get("baseline_fixed_in_test")
            and (result["baseline_n"] or result["baseline_ci"])
            else ""
        )
        lines.append(f"{result['test']} test: {p}{z} (two-sided{fixed})")
    return "\n".join(lines)


def _count(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:g}"
