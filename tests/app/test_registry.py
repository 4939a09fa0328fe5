"""The page registry: pages in file order; a new file is a new page."""

from __future__ import annotations

from pathlib import Path

from app import registry


def test_the_app_pages_are_discovered_in_order() -> None:
    slugs = [spec.slug for spec in registry.discover()]
    assert slugs[:4] == ["overview", "map_explorer", "coverage_and_equity", "data"]
    assert slugs[-1] == "sources_and_licences"


def test_adding_a_file_adds_a_page_with_a_fallback_title(tmp_path: Path) -> None:
    for name in ("1_Overview.py", "5_Prioritise_centres.py", "12_Audits_and_works.py", "x.py"):
        (tmp_path / name).write_text("")
    specs = registry.discover(tmp_path)
    assert [s.slug for s in specs] == ["overview", "prioritise_centres", "audits_and_works"]
    assert specs[1].title_key == "nav.prioritise_centres"
    assert specs[1].fallback_title == "Prioritise centres"
    assert specs[1].url_path == "prioritise_centres"
    assert specs[1].icon == registry.ICONS["prioritise_centres"]
