"""Run one HiGHS solve in a process of its own: ``python -m analysis.location._apart MODEL
ANSWER``.

``MODEL`` is an ``.npz`` written by :meth:`MilpBuilder._solve_apart` (the model as
``passModel`` takes it, an optional ``start`` and the ``settings`` as JSON); ``ANSWER`` receives
what :func:`read_result` reads of the finished solve. The parent stops this process when it
overruns its time limit, which HiGHS's presolve does not read.
"""

from __future__ import annotations

import json
import sys
import threading
from pathlib import Path
from typing import Any

import numpy as np

from analysis.location._milp import new_highs, pass_model, read_result


def main(model: Path, answer: Path) -> None:
    """Solve the model in ``model`` and write the result to ``answer``."""
    with np.load(model, allow_pickle=False) as got:
        arrays = {name: got[name] for name in got.files}
    settings = json.loads(str(arrays.pop("settings")))
    start = arrays.pop("start", None)
    h = new_highs()
    h.setOptionValue("mip_rel_gap", settings["mip_rel_gap"])
    h.setOptionValue("time_limit", settings["time_limit"])
    for key, value in settings["options"].items():
        h.setOptionValue(key, value)
    pass_model(h, arrays)
    if start is not None:
        h.setSolution(len(start), np.arange(len(start), dtype=np.int32), start)
    # interrupted at the deadline inside the simplex too, as in the parent
    h.HandleUserInterrupt = True
    timer = threading.Timer(settings["time_limit"] + settings["grace"], h.cancelSolve)
    timer.daemon = True
    timer.start()
    h.startSolve()
    while not h.wait(0.1)[0]:
        pass
    timer.cancel()
    result = read_result(h, relax=False)
    out: dict[str, Any] = {
        k: np.asarray(v) for k, v in result.items() if v is not None and k != "duals"
    }
    np.savez(answer, **out)


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]))
