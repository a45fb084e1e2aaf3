"""Modules imported on first use: pandas costs ~0.4 s and ~45 MiB, and a load or a query need not pay it.

A module that uses pandas only in some of its functions names it with
``pd = lazy_module("pandas")``: the import happens the first time an
attribute is read (``pd.DataFrame``), and not at all on a path that never
reads one. Unlike :class:`importlib.util.LazyLoader`, nothing is put in
``sys.modules`` before the real import, so ``"pandas" in sys.modules`` still
tells whether pandas was imported (``tests/perf/test_pandas_free.py`` relies on it).

Examples
--------
>>> json = lazy_module("json")
>>> json
<lazy module 'json'>
>>> json.dumps([1])
'[1]'
"""

from __future__ import annotations

import importlib
from types import ModuleType

__all__ = ["lazy_module"]


class _LazyModule:
    __slots__ = ("_name", "_module")

    def __init__(self, name: str) -> None:
        self._name = name
        self._module: ModuleType | None = None

    def __getattr__(self, attribute: str):
        module = self._module
        if module is None:
            module = self._module = importlib.import_module(self._name)
        return getattr(module, attribute)

    def __repr__(self) -> str:
        return f"<lazy module {self._name!r}>" if self._module is None else repr(self._module)


def lazy_module(name: str) -> ModuleType:
    """``name``, imported when one of its attributes is first read."""
    return _LazyModule(name)  # type: ignore[return-value]
