"""The page registry: every ``app/views/N_Name.py`` file is a page, in the order of N.

Adding a page is one file plus its catalogue keys: ``app/views/5_Prioritise_centres.py`` is
listed as ``prioritise_centres``, titled by the key ``nav.prioritise_centres`` (falling back to
"Prioritise centres" until translated), served at ``/prioritise_centres`` and given the icon
below (or a default one).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

PAGES_DIR = Path(__file__).resolve().parent / "views"
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

        The folder is ``views/``, not ``pages/``: a ``pages/`` folder beside the entry script
        puts Streamlit in its legacy multipage mode on the first request after a start, which
        showed a "page not found" notice over a direct link.
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
