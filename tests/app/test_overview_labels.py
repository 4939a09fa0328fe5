"""The Overview's national figures say what they count, through AppTest against the real
database: the coverage counts every type of centre (the women's spaces, EMF, and the
elderly's day centres, CJPA, too), the population is the municipal one of RGPH 2024 (not
HCP's legal population, 36,828,330), and the prevalence's 4.75 % is HCP's rounded commune
rates (HCP publishes 4.8 %)."""

from __future__ import annotations

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from tests.app.support import HOME

SAID = {
    "fr": {
        "coverage": "PSH à moins de 30 km d'un centre, tous types",
        "coverage_help": ("(EMF)", "(CJPA)"),
        "population_help": ("Population municipale (RGPH 2024)", "36 828 330"),
        "prevalence_help": ("4,75 %", "4,8 %"),
    },
    "ar": {
        "coverage": "الأشخاص في وضعية إعاقة على أقل من 30 كلم من مركز، جميع الأنواع",
        "coverage_help": ("(EMF)", "(CJPA)"),
        "population_help": ("السكان البلديون", "36 828 330"),
        "prevalence_help": ("4,75 %", "4,8 %"),
    },
    "en": {
        "coverage": "PwD within 30 km of a centre, any type",
        "coverage_help": ("(EMF)", "(CJPA)"),
        "population_help": ("Municipal population (RGPH 2024)", "36,828,330"),
        "prevalence_help": ("4.75 %", "4.8 %"),
    },
}
PREVALENCE = {
    "fr": "Prévalence du handicap",
    "ar": "معدل انتشار الإعاقة",
    "en": "Disability prevalence",
}
POPULATION = {"fr": "Population (2024)", "ar": "السكان (2024)", "en": "Population (2024)"}


@pytest.mark.parametrize("lang", ["fr", "ar", "en"])
def test_the_national_figures_say_what_they_count(
    monkeypatch: pytest.MonkeyPatch, lang: str
) -> None:
    monkeypatch.setenv("WALOUJA_TILES", "none")
    monkeypatch.setenv("WALOUJA_LANGUAGE", lang)
    st.cache_data.clear()
    at = AppTest.from_file(HOME, default_timeout=180).run()
    assert not at.exception, at.exception
    helps = {m.label: m.proto.help for m in at.metric}
    said = SAID[lang]
    assert said["coverage"] in helps, list(helps)
    for key, label in (
        ("coverage_help", said["coverage"]),
        ("population_help", POPULATION[lang]),
        ("prevalence_help", PREVALENCE[lang]),
    ):
        for words in said[key]:
            assert words in helps[label], (key, helps[label])
