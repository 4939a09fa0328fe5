"""Walouja's entry point: the shared shell (language, sidebar, navigation) runs the chosen page.

Pages are the files in ``app/pages/`` (see ``app/registry.py``); ``walouja serve`` runs this.
"""

from __future__ import annotations

from app import shell

shell.run()
