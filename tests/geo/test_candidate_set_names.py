"""How a stored candidate set names a file or a Walouja layer (no database): a file's name is
never read as a layer's, whatever it starts with or holds."""

from __future__ import annotations

import pytest

from geo.candidate_sites import layer_set_name, parse_layer_set, set_name


@pytest.mark.parametrize(
    ("layer", "kind"),
    [("centres", None), ("centres", "EPS"), ("transport_stops", "tram"), ("beaches", None)],
)
def test_a_layers_set_reads_back_as_its_layer(layer: str, kind: str | None) -> None:
    assert parse_layer_set(f"{layer_set_name(layer, kind)}#0123456789abcdef") == (layer, kind)


@pytest.mark.parametrize(
    "file",
    [
        "sites.csv",
        "layer sites.csv",  # was the layer "sites.csv"
        "layer centres.csv",
        "layer centres EPS.xlsx",  # was the layer centres, of type "EPS.xlsx"
        "layer centres#2.csv",  # was the layer centres, the rest taken for a digest
        "layer beaches sable.geojson",
    ],
)
def test_a_files_set_is_never_a_layer(file: str) -> None:
    source = f"{file}#0123456789abcdef"
    assert parse_layer_set(source) is None
    assert set_name(source) == file
