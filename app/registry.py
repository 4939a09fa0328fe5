"""The page registry: every ``app/pages/N_Name.py`` file is a page, in the order of N.

Adding a page is one file plus its catalogue keys: ``app/pages/5_Prioritise_centres.py`` is
listed as ``prioritise_centres``, titled by the key ``nav.prioritise_centres`` (falling back to
"Prioritise centres" until translated), served at ``/prioritise_centres`` and given the icon
below (or a default one).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

PAGES_DIR = Path(__file__).resolve().parent / "pages"
_PAGE_FILE = re.compile(r"^(?P<order>\d+)_(?P<name>[A-Za-z0-9_]+)\.py$")

ICONS: dict[str, str] = {
    "overview": ":material/dashboard:",
    "map_explorer": ":material/map:",
    "coverage_and_equity": ":material/balance:",
    "data": ":material/database:",
    "prioritise_centres": ":material/add_location_alt:",
    "audits_and_works": ":material/construction:",
    "sources_and_licences": ":material/license:",
}
DEFAULT_ICON = ":material/article:"


@dataclass(frozen=True)
class PageSpec:
    """One page of the app."""

    order: int
    slug: str
    path: Path

    @property
    def title_key(self) -> str:
        """Catalogue key of the page title."""
        return f"nav.{self.slug}"

    @property
    def fallback_title(self) -> str:
        """Title derived from the file name, used until the key is translated."""
        return self.slug.replace("_", " ").capitalize()

    @property
    def url_path(self) -> str:
        """The page's address: its slug (``/map_explorer``).

        Deliberately not the file-derived name Streamlit's old ``pages/`` mode would use
        (``Map_explorer``): on the very first request after the server starts, Streamlit
        tries that mode before ``Home.py`` has called ``st.navigation``, and a matching name
        would run the page without the shell (no language, no sidebar). With the slug, that
        first deep link runs ``Home.py`` and lands on the right page (Streamlit may show a
        "page not found" notice over it once).
        """
        return self.slug

    @property
    def icon(self) -> str:
        """Material icon shown in the navigation."""
        return ICONS.get(self.slug, DEFAULT_ICON)


def discover(directory: Path = PAGES_DIR) -> list[PageSpec]:
    """The pages found in ``directory``, in order."""
    specs = []
    for path in directory.glob("*.py"):
        match = _PAGE_FILE.match(path.name)
        if match:
            specs.append(PageSpec(order=int(match["order"]), slug=match["name"].lower(), path=path))
    return sorted(specs, key=lambda s: (s.order, s.slug))
