"""The app shell every page shares: page set-up, language, right-to-left layout, sidebar,
navigation, and the messages (empty states, errors, demo marks) pages show the same way."""

from __future__ import annotations

import html
import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any, cast
from urllib.parse import unquote, urlsplit

import pandas as pd
import streamlit as st

from app import registry, state
from app.context import app_settings, database_status, fallback_language
from app.data import layer_counts
from app.i18n import (
    LANGUAGE_NAMES,
    LANGUAGES,
    bidi_own,
    current_language,
    error_texts,
    has_key,
    is_rtl,
    join_list,
    t,
    translate,
)
from app.offline import use_local_assets
from geo import migrate
from walouja.errors import ConfigError, WaloujaError

DEMO_ICON = ":material/science:"
"""The mark of demonstration data beside the words that say so: a flask drawn from the
icon font Streamlit serves itself (the 🧪 emoji was an empty box on a computer without an
emoji font). Streamlit hides an alert's icon from screen readers: the words say it."""

DEMO_FLASK = "<span class='walouja-icon' translate='no' aria-hidden='true'>science</span>"
"""The same flask inside a text (HTML for ``st.markdown(..., unsafe_allow_html=True)``),
beside words that say "demonstration", hidden from screen readers: Streamlit's
``:material/science:`` in a text is an image named "science icon", English words a French or
Arabic screen reader said in the middle of each line. See :func:`named_flask`."""


def named_flask() -> str:
    """The flask of :data:`DEMO_FLASK` named in the page's language (``demo.flask``), for the
    one sentence that says what it marks."""
    name = html.escape(t("demo.flask"), quote=True)
    return f"<span class='walouja-icon' role='img' aria-label='{name}'>science</span>"


# Streamlit cuts a metric's label at one line ("أشخاص في وضعية إعاقة على أ…"): the labels
# here say what is counted, so they wrap instead
BASE_CSS = """
<style>
  [data-testid="stMetricLabel"] { height: auto; min-height: 1.5rem; }
  [data-testid="stMetricLabel"] :is(.stMarkdownEllipsis, p) {
    white-space: normal; overflow: visible; text-overflow: clip;
  }
  /* a closed select box cut its chosen value with no mark ("COAPH — centre d'orientation
     et d'assi" in "Type de centre" at 1366 px): an ellipsis says there is more */
  [data-testid="stSelectbox"] input[role="combobox"] { text-overflow: ellipsis; }
  /* the keyboard's focus shows as a ring (Streamlit marks a focused page link with a faint
     grey only, a select box or text field with a thin border, a button or tab with a pale
     red halo of 2:1; the first stop of every page, its link to the main content, and the
     header's menu button had that halo too): 8.6:1 on white */
  [data-testid="stSidebarNavLink"]:focus-visible,
  :is([data-testid="stMain"], [data-testid="stSidebar"], [data-testid="stHeader"])
    :is(button, a, [role="tab"], summary):focus-visible,
  [data-testid="stSkipToContent"]:focus-visible,
  :is([data-testid="stSelectbox"], [data-testid="stMultiSelect"]) [role="group"]:focus-within,
  :is([data-testid="stTextInputRootElement"], [data-testid="stTextAreaRootElement"],
      [data-testid="stNumberInputContainer"]):focus-within {
    outline: 2px solid #1f4e96; outline-offset: 1px;
  }
  /* a data grid reached by the Tab key: its canvas takes the focus, then the hidden cell
     of its screen-reader table the arrows move through, and the grid showed only a pale red
     frame round one cell (about 2:1 on white); the whole grid gets the ring while the focus
     is in it (Chromium did not redraw a ring set with :has(:focus-visible) when the focus
     moved on from the canvas to the cell) */
  [data-testid="stDataFrameResizable"]:focus-within {
    outline: 2px solid #1f4e96; outline-offset: 1px;
  }
  /* on a touch screen a table's toolbar shows all the time, above the table's corner: on
     a phone, at the top of a tab it lay over the last tab of the row ("أقاليم بدون مركز",
     "Provinces sans centre" on the Coverage page), and a tap there hit the toolbar; it
     hid the end of the line above the Prioritise page's provinces that differ. A table
     leaves the toolbar a row of its own */
  @media (hover: none) {
    [data-testid="stElementContainer"]:has(> [data-testid="stFullScreenFrame"]
      > [data-testid="stDataFrame"]) { margin-top: 2rem; }
  }
  /* the flask that marks demonstration data inside a text, drawn as Streamlit draws its
     icons (DEMO_FLASK) */
  .walouja-icon {
    font-family: "Material Symbols Rounded"; font-weight: 400; font-style: normal;
    display: inline-block; vertical-align: bottom; white-space: nowrap; overflow-wrap: normal;
    user-select: none;
  }
  /* a folded sidebar is out of sight, and out of the Tab key's way: Streamlit only moves
     it aside, so the Tab key went through its links unseen, and in Arabic (where the
     sidebar is on the right) it was moved onto the page's text */
  [data-testid="stSidebar"][data-collapsed="true"] { visibility: hidden; }
  /* all of it: Streamlit draws a widget's label and a caption visible whatever their box
     says, and in Arabic the folded sidebar's language label and captions stood in a 16 px
     strip over the page's text (read by screen readers, too) */
  [data-testid="stSidebar"][data-collapsed="true"] * { visibility: hidden !important; }
  /* a page's sections are headings of level 2 under its title (a screen reader lists
     headings by level: a level 3 under the level 1 said a level was missing), drawn at the
     size Streamlit gives a subheader */
  [data-testid="stMain"] h2 { font-size: 1.75rem; line-height: 1.2; padding: 0.75rem 0 1rem; }
  /* the shell's scripts (the document's language, the maps' names) take no room */
  [data-testid="stElementContainer"]:has(> [data-testid="stHtml"] > script:only-child) {
    display: none;
  }
  /* figures four to a row (in a block whose key begins with FIGURES_KEY) take the size
     their column has room for, at most Streamlit's 2.25rem: at 800 px, columns of 105 px
     cut the population at "36 4…" ("…591" in Arabic, as if 591 people lived in Morocco) */
  [class*="st-key-fitted_figures"] [data-testid="stMetric"] { container-type: inline-size; }
  [class*="st-key-fitted_figures"] [data-testid="stMetricValue"] {
    font-size: min(2.25rem, 19cqi);
  }
</style>
"""

FIGURES_KEY = "fitted_figures"
"""The key (or beginning of the key) of a block whose figures (``st.metric``) shrink to fit
their columns (see :data:`BASE_CSS`)."""

_FIGURE_EMS: dict[str, float] = {
    **dict.fromkeys("0123456789", 0.5),
    **dict.fromkeys(",.", 0.25),
    **dict.fromkeys(" \u00a0\u202f", 0.2),
    **dict.fromkeys("\u200e\u200f\u2066\u2067\u2068\u2069", 0.0),
    "/": 0.35,
    "%": 0.85,
}
"""The width of a figure's characters in ems, as Streamlit's font draws them a little
wider (Source Sans: a digit 0.50, "%" 0.83): see :func:`figure_ems`."""


def figure_ems(text: str) -> float:
    """About how wide ``text`` is drawn, in ems, as a figure of ``st.metric`` (an Arabic
    letter 0.5, any other 0.7).

    Examples
    --------
    >>> figure_ems("36\u202f490\u202f591"), figure_ems("29,3 كلم")
    (4.4, 3.45)
    """
    ems = sum(_FIGURE_EMS.get(c, 0.5 if "\u0600" <= c <= "\u06ff" else 0.7) for c in text)
    return round(ems, 2)


def fitted_figures(slot: Any, name: str, figures: Iterable[str]) -> Any:
    """A block of ``slot`` (keyed ``FIGURES_KEY`` + ``name``) whose figures take the size
    their column has room for, sized for the widest of ``figures``; at most Streamlit's
    2.25rem, which a column of a wide window keeps. Four or five to a row, a window of
    800 or 1024 px cut them ("1 151 9…", "62,0…", "20,5 / 40,…").
    """
    key = f"{FIGURES_KEY}_{name}"
    widest = max((figure_ems(f) for f in figures), default=1.0)
    block = slot.container(key=key)
    # a block of its own sizes its figures: more specific than BASE_CSS's rule for all
    block.html(
        f"<style>div.st-key-{key} [data-testid='stMetricValue'] "
        f"{{ font-size: min(2.25rem, {95 / max(widest, 1.0):.1f}cqi); }}</style>"
    )
    return block


def wrapping_columns(
    slot: Any, name: str, spec: Sequence[float], least: Sequence[int]
) -> list[Any]:
    """Columns of ``slot`` as ``st.columns(spec)`` draws them, each at least ``least[i]``
    pixels wide (0: no least): where the row has no room for them all, the last ones go to
    a row of their own, and each row shares its width out. Streamlit's columns shrink
    without end (at 800 px, four select boxes in a row read "C…", "Toutes…"); a wide window
    draws them as before, as long as each ``least`` is no wider than its column is there.
    The block is keyed ``wrapping_columns_<name>``.
    """
    key = f"wrapping_columns_{name}"
    block = slot.container(key=key)
    column = f"div.st-key-{key} [data-testid='stHorizontalBlock'] > [data-testid='stColumn']"
    # a column never wider than its row (a phone, where Streamlit stacks them)
    rules = " ".join(
        f"{column}:nth-child({i}) {{ min-width: min(100%, {px}px); }}"
        for i, px in enumerate(least, start=1)
        if px
    )
    block.html(f"<style>{rules}</style>")
    return list(block.columns(spec))


def by_room(slot: Any, name: str, least: int) -> tuple[Any, Any]:
    """Two blocks of ``slot``, ``(wide, narrow)``, of which the page shows one: ``wide``
    where the block has at least ``least`` pixels, ``narrow`` where it has fewer.

    For what cannot reflow, such as a table drawn on a canvas: its columns scroll sideways
    in a narrow window (800 px, the sidebar open), and a region's name went out of sight as
    its figures came in. Both blocks are drawn; a CSS container query (on the block's own
    width, the sidebar open or not) hides one. The blocks are keyed ``by_room_<name>``,
    ``by_room_<name>_wide`` and ``by_room_<name>_narrow``.
    """
    key = f"by_room_{name}"
    block = slot.container(key=key)
    px = int(least)
    block.html(
        f"<style>div.st-key-{key} {{ container-type: inline-size; }} "
        f"@container (width < {px}px) {{ div.st-key-{key}_wide {{ display: none; }} }} "
        f"@container (width >= {px}px) {{ div.st-key-{key}_narrow {{ display: none; }} }}"
        "</style>"
    )
    return block.container(key=f"{key}_wide"), block.container(key=f"{key}_narrow")


# Streamlit words its file uploader in English whatever the page's language ("Upload",
# "200MB per file"): the button takes the page's word, and the limit is in each page's own
# caption (``data.file_limit``). The English word is left out of the page, not only drawn
# at no size: a screen reader named the button "Uploadاختيار ملف"
UPLOAD_CSS = """
<style>
  [data-testid="stFileUploaderDropzone"] button [data-testid="stMarkdownContainer"] p {
    display: none;
  }
  [data-testid="stFileUploaderDropzone"] button [data-testid="stMarkdownContainer"]::after {
    content: "%s"; font-size: 0.875rem;
  }
  [data-testid="stFileUploaderDropzoneInstructions"] { display: none; }
</style>
"""


def css_string(text: str) -> str:
    """``text`` safe inside a CSS double-quoted string."""
    return text.replace("\\", "\\\\").replace('"', '\\"').replace("<", "\\3C ")


RTL_CSS = """
<style>
  [data-testid="stAppViewContainer"], [data-testid="stSidebar"], [data-testid="stHeader"] {
    direction: rtl;
  }
  [data-testid="stMarkdownContainer"], [data-testid="stCaptionContainer"] { text-align: right; }
  [data-testid="stMarkdownContainer"] :is(ul, ol, li) { text-align: right; }
  [data-testid="stIFrame"], iframe { direction: ltr; }
  /* commands read left to right: "# or" showed as "or #", each line pushed to the right */
  [data-testid="stCode"] pre { direction: ltr; text-align: left; }
  /* Vega aligns labels "start"/"end": in a right-to-left page they fall under the bars and
     the axis; the charts lay themselves out for Arabic */
  [data-testid="stVegaLiteChart"] { direction: ltr; }
  /* a table's toolbar (columns, download, search, full screen) shows over its top right
     corner on hover: there, in a right-to-left page, stand the first tabs above the table
     ("جدول", "خريطة" hidden under it). It shows over the table's left end instead */
  [data-testid="stElementToolbar"] { right: auto !important; left: 0 !important; }
  /* a select box's list of options opens outside the page, marked ``dir="ltr"`` by
     Streamlit: a long Arabic option was cut at its start ("…ساعدة الأشخاص في وضعية إعاقة"
     for "COAPH — مركز توجيه ومساعدة…"). It reads from the right, and an option longer than
     the list ends with an ellipsis on the left (a flex box shows none: the option's text is
     a block, centred by ``align-content``) */
  :is([data-testid="stSelectboxVirtualDropdown"], [data-testid="stMultiSelectDropdown"]) {
    direction: rtl; text-align: right;
  }
  :is([data-testid="stSelectboxVirtualDropdown"], [data-testid="stMultiSelectDropdown"])
    [role="option"] > div { display: block; align-content: center; text-overflow: ellipsis; }
</style>
"""


# Streamlit's page says ``<html lang="en">`` whatever the language, and a screen reader reads
# French and Arabic with its English voice. The shell sets the document's language and
# direction in the page itself (st.html runs the script in the app's own document, not in a
# frame), and names the frames of maps (``name_frame``): Streamlit titles a component's frame
# with the component's name ("streamlit_folium.st_folium"), which is what a screen reader said
# when it entered the map. The name is the frame's ``aria-label``, which a screen reader reads
# before its title. A frame drawn later (a tab opened, the map redrawn) is named too.
DOCUMENT_JS = """
<script>
(() => {
  const w = window.__walouja = window.__walouja || {frames: {}};
  document.documentElement.lang = %(lang)s;
  document.documentElement.dir = %(dir)s;
  Object.assign(w.frames, %(frames)s);
  if (!w.nameFrames) {
    w.nameFrames = () => {
      for (const [key, title] of Object.entries(w.frames)) {
        for (const f of document.querySelectorAll(`.st-key-${key} iframe`)) {
          if (f.getAttribute("aria-label") !== title) { f.setAttribute("aria-label", title); }
        }
      }
    };
    new MutationObserver(w.nameFrames).observe(document.body, {childList: true, subtree: true});
  }
  w.nameFrames();
  // Streamlit's own controls, named in English whatever the language ("Help for Gini",
  // "Download as CSV", "Skip to main content"), take the page's words; the English name is
  // kept, so a later switch of language words it again
  w.words = %(words)s;
  if (!w.nameControls) {
    const say = (en) => {
      if (Object.hasOwn(w.words.exact, en)) { return w.words.exact[en]; }
      for (const [prefix, said] of w.words.prefixes) {
        if (en.startsWith(prefix)) { return said.replace("{label}", en.slice(prefix.length)); }
      }
      return null;
    };
    // ``slot`` keeps apart what one element says in several places (a name and a title)
    const reword = (el, read, write, slot = "") => {
      const [enKey, saidKey] = [`walouja${slot}En`, `walouja${slot}Said`];
      let en = read(el);
      if (el.dataset[saidKey] === en) { en = el.dataset[enKey]; }
      const said = say(en);
      if (said === null) { return; }
      el.dataset[enKey] = en;
      el.dataset[saidKey] = said;
      if (read(el) !== said) { write(el, said); }
    };
    const attribute = (name) => [(e) => e.getAttribute(name), (e, v) => e.setAttribute(name, v)];
    // and the words they show: the tooltip of a table's or a chart's toolbar button, what
    // a select box's list says when what is typed matches no option, the running
    // indicator's "Stop", a table's column menu and list of columns, the main menu, the
    // notice a link to no page gets
    const shown = [
      "[data-testid='stSkipToContent']",
      "[data-testid='stTooltipContent'] [data-testid='stMarkdownContainer'] > p",
      ":is([data-testid='stSelectboxVirtualDropdown'], [data-testid='stMultiSelectDropdown'])" +
        " [role='listbox'][data-empty='true'] > [role='option'] > span",
      "[data-testid='stStatusWidget'] [data-testid='stBaseButton-header']",
      "[data-testid='stDataFrameColumnMenu'] [role='menuitem']",
      "[data-testid='stDataFrameColumnMenu'] [role='menuitem'] > div",
      "[data-testid='stDataFrameColumnFormattingMenu'] [role='menuitem']",
      "[data-testid='stMainMenuList'] [role='menuitemradio']",
      "[data-testid='stMainMenuList'] [data-testid='stMainMenuItemLabel']",
      "[data-testid='stDataFrameColumnVisibilityMenu'] label > span",
      "[role='dialog'] > h2[slot='title']",
      "[role='dialog'] > h2[slot='title'] + div > div",
    ].join(", ");
    w.nameControls = () => {
      for (const el of document.querySelectorAll("[aria-label]")) {
        reword(el, ...attribute("aria-label"));
      }
      for (const el of document.querySelectorAll("[data-testid='stDataFrameColumnMenu'] [title]")) {
        reword(el, ...attribute("title"), "Title");
      }
      // only an element with one text of its own (beside an icon), and the words are
      // written into that same text node: every node Streamlit drew stays in place
      for (const el of document.querySelectorAll(shown)) {
        const own = [...el.childNodes].filter(
          (n) => n.nodeType === Node.TEXT_NODE && n.nodeValue.trim() !== "");
        if (own.length === 1) {
          reword(el, () => own[0].nodeValue, (e, v) => { own[0].nodeValue = v; });
        }
      }
    };
    new MutationObserver(w.nameControls).observe(document.body, {
      // words written anew into their text node are seen too (the running indicator's
      // "Stop" becomes "Stopping..."); each call words them once, and the next finds them said
      childList: true, subtree: true, characterData: true,
      attributes: true, attributeFilter: ["aria-label"],
    });
  }
  w.nameControls();
  // a right-to-left table wider than its room (any table on a phone) opens at its right
  // end, where its first columns are: Streamlit's grid opened at its left end, and on a
  // phone the Overview's tables showed figures without their region's or type's name
  if (!w.startAtRight) {
    w.startAtRight = () => {
      if (document.documentElement.dir !== "rtl") { return; }
      for (const s of document.querySelectorAll("[data-testid='stDataFrame'] .dvn-scroller")) {
        if (s.dataset.waloujaStart || s.scrollWidth <= s.clientWidth + 1) { continue; }
        s.dataset.waloujaStart = "right";
        s.scrollLeft = s.scrollWidth - s.clientWidth;
      }
    };
    new MutationObserver(w.startAtRight).observe(document.body, {
      childList: true, subtree: true, attributes: true, attributeFilter: ["style"],
    });
  }
  w.startAtRight();
  // a choice made on a page takes no step of the browser's history: Streamlit pushed one
  // entry per choice, and Back seemed to do nothing (the page, whose boxes keep their
  // values, wrote its choices back into the address at once: leaving a page where three
  // choices were made took four presses). The page's one entry follows its choices
  // instead, so Back leaves the page, and the page Back comes to shows the choices it had
  if (!w.oneEntryPerPage) {
    w.oneEntryPerPage = true;
    const push = history.pushState.bind(history);
    history.pushState = (data, unused, url) => {
      if (url != null && new URL(url, location.href).pathname === location.pathname) {
        return history.replaceState(data, unused, url);
      }
      return push(data, unused, url);
    };
  }
})();
</script>
"""

STREAMLIT_WORDS: dict[str, str] = {
    "Skip to main content": "streamlit.skip",
    "Main menu": "streamlit.main_menu",
    "Link to heading": "streamlit.heading_link",
    "Download as CSV": "streamlit.download_csv",
    "Fullscreen": "streamlit.fullscreen",
    "Close fullscreen": "streamlit.close_fullscreen",
    "Search": "streamlit.search",
    "Close Search": "streamlit.close_search",
    "Show/hide columns": "streamlit.columns",
    "Clear all": "streamlit.clear_all",
    "Increment": "streamlit.increment",
    "Decrement": "streamlit.decrement",
    "Sidebar": "streamlit.sidebar",
    "Collapse sidebar": "streamlit.collapse_sidebar",
    "Expand sidebar": "streamlit.expand_sidebar",
    "App pages": "streamlit.app_pages",
    "Open": "streamlit.open_list",
    "file upload": "streamlit.file_upload",
    # a chart's toolbar, and the chosen layers of a multiselect
    "Show data": "streamlit.show_data",
    "Download as PNG": "streamlit.download_png",
    "Copy Vega-Lite spec": "streamlit.copy_spec",
    "Copied!": "streamlit.copied",
    "Selected values": "streamlit.selected_values",
    # a select box's list: when what is typed matches no option, and its hidden close button
    "No results": "streamlit.no_results",
    "Dismiss": "streamlit.dismiss",
    # the running indicator, at the top right while a page computes
    "Running...": "streamlit.running",
    "Stop": "streamlit.stop",
    "Stopping...": "streamlit.stopping",
    # a table's column menu (a column heading's ⋮) and its list of columns (the toolbar's)
    "Dataframe column menu": "streamlit.column_menu",
    "Copy column name": "streamlit.copy_column_name",
    "Sort ascending": "streamlit.sort_ascending",
    "Sort descending": "streamlit.sort_descending",
    "Statistics": "streamlit.statistics",
    "Autosize": "streamlit.autosize",
    "Pin column": "streamlit.pin_column",
    "Unpin column": "streamlit.unpin_column",
    "Hide column": "streamlit.hide_column",
    "Select all": "streamlit.select_all",
    "(index)": "streamlit.index_column",
    # a number column's "Format" menu
    "Format": "streamlit.format",
    "Automatic": "streamlit.format_automatic",
    "Localized": "streamlit.format_localized",
    "Plain": "streamlit.format_plain",
    "Compact": "streamlit.format_compact",
    "Dollar": "streamlit.format_dollar",
    "Euro": "streamlit.format_euro",
    "Yen": "streamlit.format_yen",
    "Percent": "streamlit.format_percent",
    "Scientific": "streamlit.format_scientific",
    "Accounting": "streamlit.format_accounting",
    "Duration": "streamlit.format_duration",
    # the main menu (⋮ at the top right)
    "Theme": "streamlit.theme",
    "System": "streamlit.theme_system",
    "Light": "streamlit.theme_light",
    "Dark": "streamlit.theme_dark",
    "Print": "streamlit.print",
    "Record screen": "streamlit.record_screen",
    # the notice a link to no page gets (a mistyped or an old address), and its close button
    "Page not found": "streamlit.page_not_found",
    "The page that you have requested does not seem to exist. Running the app's main page.": (
        "streamlit.page_not_found_text"
    ),
    "Close": "streamlit.close",
}
"""The English names Streamlit gives its own controls (as its code writes them), and the
key of each one's words in the catalogues."""

STREAMLIT_PREFIXES: dict[str, str] = {
    "Help for ": "streamlit.help_for",
    "Remove ": "streamlit.remove",
}
"""Streamlit's English names that end with one of ours (a field's label, a chosen option):
the words, with ``{label}`` for ours."""


def streamlit_words(lang: str) -> dict[str, Any]:
    """What the shell's script names Streamlit's controls in ``lang``: ``exact`` (English
    name → words) and ``prefixes`` ([English start, words with ``{label}``])."""
    return {
        "exact": {en: translate(key, lang) for en, key in STREAMLIT_WORDS.items()},
        "prefixes": [[en, translate(key, lang)] for en, key in STREAMLIT_PREFIXES.items()],
    }


def document_script(lang: str, frames: Mapping[str, str] | None = None) -> str:
    """The script that gives the page's document ``lang`` (and ``dir="rtl"`` for a
    right-to-left language), names the frames inside the containers ``frames`` lists
    (``{container key: name}``) and Streamlit's own controls in ``lang``
    (:func:`streamlit_words`)."""
    return DOCUMENT_JS % {
        "lang": json.dumps(lang),
        "dir": json.dumps("rtl" if is_rtl(lang) else "ltr"),
        "frames": json.dumps(dict(frames or {}), ensure_ascii=False).replace("</", "<\\/"),
        "words": json.dumps(streamlit_words(lang), ensure_ascii=False).replace("</", "<\\/"),
    }


@contextmanager
def name_frame(key: str, title: str, height: int) -> Iterator[None]:
    """Draw the block's frame (a map ``height`` pixels high) in a container ``key`` whose
    frame is named ``title``: what a screen reader announces for it.

    The container keeps the map's height while st_folium mounts a new frame for a changed
    map: the frame was 0 pixels high for most of a second, and the page below it jumped up
    and back down after each search or click.
    """
    with st.container(key=key):
        yield
        # a style alone takes no room in the page (Streamlit moves it out of the flow)
        st.html(f"<style>.st-key-{key} {{ min-height: {int(height)}px; }}</style>")
        st.html(document_script(current_language(), {key: title}), unsafe_allow_javascript=True)


def run() -> None:
    """Draw the shell and run the selected page (the whole of ``Home.py``)."""
    st.set_page_config(page_title="Walouja — ولوجة", page_icon="♿", layout="wide")
    use_local_assets()
    lang = language_selector()
    st.html(BASE_CSS + UPLOAD_CSS % css_string(t("shell.upload_button")))
    if is_rtl(lang):
        st.html(RTL_CSS)
    refusal = settings_refusal()
    if refusal is not None:
        # a bad setting put a traceback on every page (``ConfigError`` out of the
        # language box): the page says which one, and what to do, in its language
        with st.sidebar:
            st.html(document_script(lang), unsafe_allow_javascript=True)
        st.title("Walouja — ولوجة")
        message, hint = settings_texts(refusal)
        st.error(message)
        st.info(t("error.hint", hint=hint))
        return
    asked = requested_page_name()
    pages = navigation_pages(asked)
    page = st.navigation(pages, position="sidebar", expanded=True)
    # each page has its own title in the browser's tab and history: the first thing a screen
    # reader says of a page, and how a person finds it among open tabs
    st.set_page_config(page_title=f"{page.title} — Walouja")
    with st.sidebar:
        st.html(document_script(lang), unsafe_allow_javascript=True)
    if asked and page.url_path == asked:
        # an address in other letters' case: the browser goes to the page's own address
        st.html(to_own_address(asked.lower()), unsafe_allow_javascript=True)
        st.stop()
    sidebar_footer()
    state.arrive(page.url_path)  # the page's choices when the user left it
    try:
        page.run()
    finally:
        state.end_run()


def requested_page_name() -> str | None:
    """The page the browser's address names in other letters' case than its slug
    (``Coverage_and_equity`` for ``/coverage_and_equity``), or None.

    Streamlit matches an address to a page letter for letter, and the older versions of the
    app were served at their file names (``/Map_Explorer``): a bookmark or a link sent by
    e-mail opened the Overview under the "page not found" notice. ``st.context.url`` is the
    address the browser shows (None outside a browser, as in ``AppTest``).
    """
    url = st.context.url
    if not url:
        return None
    name = unquote(urlsplit(url).path.rstrip("/").rpartition("/")[2])
    slugs = {spec.url_path for spec in registry.discover()}
    return name if name not in slugs and name.lower() in slugs else None


TO_OWN_ADDRESS_JS = """
<script>
(() => {
  const slug = %s;
  const path = location.pathname.replace(/\\/+$/, "");
  const at = path.lastIndexOf("/") + 1;
  if (decodeURIComponent(path.slice(at)).toLowerCase() === slug) {
    location.replace(path.slice(0, at) + slug + location.search + location.hash);
  }
})();
</script>
"""


def to_own_address(slug: str) -> str:
    """The script that takes the browser from the address of the page ``slug`` in other
    letters' case to ``/slug``, with the address's parameters (the page's choices), in
    place of the address in the browser's history.

    ``st.switch_page`` showed the page at its slug too, but put a step in the history:
    Back came to the old address, which moved on to the page again.
    """
    return TO_OWN_ADDRESS_JS % json.dumps(slug)


def navigation_pages(asked: str | None = None) -> list[st.Page]:
    """Every page at its slug, the first one also at ``/``; and the page ``asked`` names in
    other letters' case (:func:`requested_page_name`) at that address too, hidden, for the
    shell to send the browser to the page's own address (:func:`to_own_address`).

    Streamlit serves the default page at ``/`` only, so its own slug (``/overview``, which a
    user types by analogy with the others) would say "page not found": the default page is
    registered at ``/`` and a hidden page of the same file answers at the slug.
    """
    specs = registry.discover()
    pages = [
        st.Page(
            spec.path,
            title=page_title(spec),
            icon=spec.icon,
            url_path="" if i == 0 else spec.url_path,
            default=(i == 0),
        )
        for i, spec in enumerate(specs)
    ]
    if specs:
        first = specs[0]
        pages.append(
            st.Page(
                first.path,
                title=page_title(first),
                icon=first.icon,
                url_path=first.url_path,
                visibility="hidden",
            )
        )
    for spec in specs:
        if asked is not None and asked.lower() == spec.url_path != asked:
            pages.append(
                st.Page(
                    spec.path,
                    title=page_title(spec),
                    icon=spec.icon,
                    url_path=asked,
                    visibility="hidden",
                )
            )
    return pages


def page_title(spec: registry.PageSpec) -> str:
    """The translated title of a page, or one derived from its file name."""
    text = t(spec.title_key)
    return spec.fallback_title if text.startswith("⟦") else text


def settings_refusal() -> ConfigError | None:
    """The refusal of a bad setting (``WALOUJA_LANGUAGE=de``...), or None when the settings
    are good. Read again on each run until they are: a fixed ``.env`` is taken at once."""
    try:
        app_settings()
    except ConfigError as exc:
        return exc
    return None


def settings_texts(refusal: ConfigError) -> tuple[str, str]:
    """The refusal of a bad setting and what to do, in the page's language: the rule it
    breaks is worded from ``settings.rule.<rule>`` (a rule without words there keeps the
    English reason)."""
    params = refusal.params
    rule_key = f"settings.rule.{params.get('rule')}"
    if has_key(rule_key, current_language()):
        reason = t(rule_key)
    else:  # the English reason, which may quote the value
        reason = plain_markdown(str(params.get("reason") or refusal.message))
    message = t(
        "settings.invalid",
        # the setting and its value as set, one left-to-right text on an Arabic page:
        # WALOUJA_DB_NAME=my_*db* read "my_db" with "db" in italics
        setting=typed_name(f"{params.get('setting', '')}{params.get('given', '')}"),
        given="",
        reason=reason,
    )
    return message, t("settings.invalid.hint")


def default_language() -> str:
    """The language of a page whose address names none: ``WALOUJA_LANGUAGE``, or French
    when the settings are refused (the bad one may be the language itself)."""
    try:
        return app_settings().language
    except ConfigError:
        return fallback_language()


def language_selector() -> str:
    """The language chooser at the top of the sidebar; its value lives in the URL (``lang``)."""
    default = default_language()
    start = state.start_index("lang", LANGUAGES, default)
    # the box's text, cleared to search, shows this in the language the page is in
    shown_in = st.session_state.get("lang") or LANGUAGES[start]
    lang = st.sidebar.selectbox(
        "Langue · اللغة · Language",
        LANGUAGES,
        key="lang",
        index=start,
        format_func=LANGUAGE_NAMES.__getitem__,
        placeholder=translate("streamlit.choose_option", shown_in),
    )
    state.publish("lang", lang, default)
    shown = st.session_state.get("_lang_shown")
    st.session_state["_lang_shown"] = lang
    if shown is not None and shown != lang:
        state.relabel_selects(skip=("lang",))  # the page's select boxes, in the new language
    return str(lang)


def sidebar_footer() -> None:
    """Database status and the demonstration-data mark, below the navigation."""
    status = database_status()
    with st.sidebar:
        st.divider()
        if status.get("reachable") and not_set_up(status):
            # "Base de données connectée (révision —)" of a database without Walouja's tables
            st.warning(t("shell.db_not_set_up"))
        elif status.get("reachable") and behind(status):
            st.warning(t("shell.db_behind"))
        elif status.get("reachable"):
            st.caption(t("shell.db_ok", revision=status.get("revision") or "—"))
            demo = [t(f"layer.{c.table}") for c in layer_counts().values() if c.demo_rows]
            if demo:
                st.warning(t("shell.demo_layers", layers=join_list(demo)), icon=DEMO_ICON)
        else:
            st.error(t("shell.db_down"))
        st.caption("Walouja — ولوجة")


def header(title_key: str, intro_key: str | None = None) -> None:
    """The page title and one line saying what the page is for."""
    st.title(t(title_key))
    if intro_key:
        st.caption(t(intro_key))


def require_database() -> bool:
    """Show a planner-friendly message and return False when the database is unavailable."""
    status = database_status()
    if status.get("reachable") and not_set_up(status):
        # the pages said "make run / walouja load", and `walouja load` refused such a
        # database ("apply the migrations with `walouja db up`")
        st.error(t("database.not_set_up", database=database_name(status)))
        st.info(t("database.not_set_up.how"))
        commands("make run", "walouja db up && walouja load")
        return False
    if status.get("reachable") and behind(status):
        # the code's queries need the newer tables: the pages read it as connected and
        # could fail on a column the older schema lacks
        st.error(
            t(
                "database.behind",
                database=database_name(status),
                revision=str(status.get("revision")),
                head=migrate.head(),
            )
        )
        st.info(t("database.behind.how"))
        commands("walouja db up")
        return False
    if status.get("reachable"):
        return True
    message, hint, mended_here = database_problem(status)
    st.error(message)
    if hint:
        st.info(t("error.hint", hint=hint))
    if mended_here:
        st.info(t("empty.how_to_start"))
        commands("make run", "walouja db up && walouja load")
    return False


def database_name(status: Mapping[str, object]) -> str:
    """The name of the database of ``status`` as set (``WALOUJA_DB_NAME``, or the one in
    ``DATABASE_URL``), for a Markdown text: as typed (:func:`typed_name`; ``my_*db*`` read
    "my_db" with "db" in italics)."""
    return typed_name(unquote(urlsplit(str(status.get("url") or "")).path.lstrip("/")))


def not_set_up(status: Mapping[str, object]) -> bool:
    """Whether the reachable database of ``status`` lacks PostGIS or Walouja's tables (no
    migration applied): ``walouja db up`` sets it up."""
    return status.get("postgis_version") is None or status.get("revision") is None


def behind(status: Mapping[str, object]) -> bool:
    """Whether the reachable, set-up database of ``status`` is at an older migration than
    the code (``walouja db up`` brings it up to date, keeping its data)."""
    return status.get("revision") not in (None, migrate.head())


def database_problem(status: Mapping[str, object]) -> tuple[str, str | None, bool]:
    """What a page says of the database ``status`` when it cannot be used: the message in
    the page's language, what to do (None when the project's commands do it) and whether
    they do (the project's own server, started and filled by ``walouja db up`` and
    ``walouja load``).

    The status's reason is worded by its code: "La base de données est injoignable : the
    database named in postgresql://…%2Fwork%2Fmain… does not exist — create it with…" gave a
    French or Arabic page an English sentence and an encoded address. A reason without a
    code is shown as the server gave it.
    """
    local = bool(status.get("local"))
    code = status.get("error_code")
    # a mistyped WALOUJA_HOME is named: "not running" and its `walouja db up` would make a
    # new, empty cluster in the folder it names
    if local and status.get("running") is False and code != "cluster_home_missing":
        code = "cluster_not_running"
    address = urlsplit(str(status.get("url") or ""))
    # the values as set, for Markdown texts: a database, a user, a folder or a server's
    # words as typed (a database "my_*db*" read "my_db" with "db" in italics); the Arabic
    # texts put the folder on its own already
    params = {
        key: plain_markdown(str(value))
        for key, value in cast("Mapping[str, object]", status.get("error_params") or {}).items()
    } | {
        "database": database_name(status),
        "user": typed_name(unquote(address.username or "")),
    }
    key = f"database.{code}"
    if code and not has_key(key, current_language()) and status.get("error_message"):
        # a refusal the errors' catalogue words (a cluster folder that may not be written):
        # in the page's language, with what to do; the project's commands do not mend it
        refusal = WaloujaError(
            str(status["error_message"]),
            hint=str(status["error_hint"]) if status.get("error_hint") else None,
            code=str(code),
            params=cast("Mapping[str, object]", status.get("error_params") or {}),
        )
        reason, todo = error_texts(refusal, current_language(), escape=plain_markdown)
        return t("error.database", reason=reason), todo, False
    if not code or not has_key(key, current_language()):
        reason = plain_markdown(str(status.get("error", "")))
        return t("error.database", reason=reason), None, local
    message = t(key, **params)
    if code == "database_missing" and not local:
        return message, t(f"{key}.hint.external", **params), False
    if code in ("role_missing", "password_refused"):
        return message, t(f"{key}.hint", **params), False
    if code == "database_unreachable" and not local:
        return message, t(f"{key}.hint.external", **params), False
    if has_key(f"{key}.hint", current_language()):
        # a server that answers late, a program other than PostgreSQL on the port, a
        # cluster on another port: the project's commands alone do not mend them
        return message, t(f"{key}.hint", **params), False
    return message, None, local


def require_geography() -> bool:
    """Show what to load, and how, when the census geography is not in the database."""
    counts = layer_counts()
    if counts["communes"].rows and counts["regions"].rows:
        return True
    st.info(t("empty.geography"))
    commands("make run", "walouja load")
    return False


def commands(*alternatives: str) -> None:
    """A box of commands to copy, one of which does it: each apart from the next by a
    comment line in the page's language (``# ou``; "# or" stood in the French and Arabic
    pages' boxes)."""
    st.code(f"\n# {t('shell.commands_or')}\n".join(alternatives), language="bash")


def demo_note(*tables: str) -> None:
    """One visible mark listing which of ``tables`` hold demonstration rows (and how many)."""
    counts = layer_counts()
    parts = [
        t("demo.layer", layer=t(f"layer.{name}"), n=c.demo_rows, total=c.rows)
        for name in tables
        if (c := counts.get(name)) is not None and c.demo_rows
    ]
    if parts:
        st.warning(" ".join(parts), icon=DEMO_ICON)


def layer_label(name: str) -> str:
    """A layer's name in the session's language (``layer.<name>``), else ``name`` as stored."""
    key = f"layer.{name}"
    return t(key) if has_key(key, current_language()) else name


def source_label(layer: str, *, is_demo: bool) -> str:
    """How an entry of ``layer_sources`` is named on screen: its layer's name, marked when it
    holds demonstration data. The entry's stored title is provenance in one language only."""
    name = layer_label(layer)
    return t("sources.layer_demo", layer=name) if is_demo else name


_MARKDOWN_SPECIAL = frozenset("\\`*_{}[]()#+-.!|<>$~:=^")
"""Characters Streamlit's Markdown reads as markup (``$`` starts formulas, ``:red[…]`` and
``:smile:`` colour and icons): escaped in a text shown as it is."""


def plain_markdown(text: str) -> str:
    r"""``text`` escaped for ``st.markdown``: an imported source named ``centres_v2_final.csv``
    reads as typed, not in italics.

    Examples
    --------
    >>> print(plain_markdown("centres_v2_*final*.csv: $5"))
    centres\_v2\_\*final\*\.csv\: \$5
    """
    return "".join(f"\\{c}" if c in _MARKDOWN_SPECIAL else c for c in text)


def typed_name(text: str) -> str:
    """A name the user gave (a file's, a source typed in a box) for a Markdown text: as
    typed (:func:`plain_markdown`: ``plan_*urgent*_v2.csv`` read ``plan_urgent_v2.csv`` with
    *urgent* in italics), and on its own on a right-to-left page (``bidi_own``)."""
    return bidi_own(plain_markdown(text), current_language())


def aligned_columns(
    frame: pd.DataFrame, config: Mapping[str, Mapping[str, Any]] | None = None
) -> dict[str, Any] | None:
    """Column settings for ``st.dataframe``: ``config`` (a column's settings, as
    ``column_config`` takes them), with every column of ``frame`` aligned to the right on a
    right-to-left page; None when there is nothing to set.

    The table's cells are drawn on a canvas the page's CSS does not reach: Arabic text goes
    right by itself, but codes and numbers in Latin letters would stay on the left under
    right-aligned headings.
    """
    settings: dict[str, Any] = {str(c): dict(s) for c, s in (config or {}).items()}
    if is_rtl(current_language()):
        for c in frame.columns:
            settings[str(c)] = {**settings.get(str(c), {}), "alignment": "right"}
    return settings or None


def sources_link() -> None:
    """The link to the Sources and licences page under a page's credits, marked with that
    page's own icon in the navigation (the 📜 emoji was an empty box on a computer without
    an emoji font, as Debian's Chromium is)."""
    st.page_link(
        "views/9_Sources_and_licences.py",
        label=t("sources.more"),
        icon=registry.ICONS["sources_and_licences"],
    )


def text_table(frame: pd.DataFrame) -> Any:
    """``frame`` as ``st.table`` draws it (an HTML table, a Styler): every text whole, a long
    one wrapping within its cell (the grid of ``st.dataframe`` cut "orientation,
    paramedical, medical, …" and "nom, name_fr, nom_fr, libelle, stop_name" at their
    column's edge), each cell as typed (``st.table`` reads cells as Markdown), laid out as
    the page reads: in Arabic the first column on the right, every cell aligned right."""
    styler = frame.style.format(lambda v: plain_markdown(str(v))).hide(axis="index")
    # a long text takes the table's width before it wraps (Streamlit caps a cell at 400 px:
    # a reason ran down eight lines beside a third of the table left empty)
    props = "max-width: none !important;"
    if is_rtl(current_language()):
        props += " text-align: right !important;"
    return styler.set_table_styles(
        [
            {"selector": "td, th", "props": props},
            {"selector": "td > div, th > div", "props": "max-width: none !important;"},
        ]
    )


def reading_order(frame: pd.DataFrame) -> list[str] | None:
    """The columns of ``frame`` in the order ``st.dataframe`` draws them (its
    ``column_order``): reversed on a right-to-left page, so the first one (a rejected row's
    number, a layer's name) is on the right where an Arabic reader starts; None elsewhere
    (the frame's own order).

    The grid is drawn on a canvas, left to right whatever the page's direction: without
    this, an Arabic table read "reason, field, row" from the right.
    """
    if not is_rtl(current_language()):
        return None
    return [str(c) for c in reversed(frame.columns)]


def show_error(exc: WaloujaError) -> None:
    """A ``WaloujaError`` as a message a planner can act on (no traceback), in the session's
    language when the error has a ``code`` the catalogue words (``errors.<code>``), its
    values (a file's name, a column's) as typed: not read as Markdown."""
    message, hint = error_texts(exc, current_language(), escape=plain_markdown)
    st.error(t("error.generic", message=message))
    if hint:
        st.info(t("error.hint", hint=hint))


@contextmanager
def friendly() -> Iterator[None]:
    """Show any ``WaloujaError`` raised in the block as a message instead of a traceback."""
    try:
        yield
    except WaloujaError as exc:
        show_error(exc)
