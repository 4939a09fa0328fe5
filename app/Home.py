"""Walouja's entry point: the shared shell (language, sidebar, navigation) runs the chosen page.

Pages are the files in ``app/views/`` (see ``app/registry.py``; not ``pages/``, which
Streamlit would treat as a legacy multipage folder); ``walouja serve`` runs this.
"""

from __future__ import annotations

from app import shell

shell.run()
