"""The web assets shipped with graphkit: the app's script and style, the landscape renderer,
and the vendored drawing library (sigma.js, graphology, ForceAtlas2; see ``static/vendor/README.md``).

The app serves them as files; static pages (``graphkit export landscape --out FILE.html``,
the report) inline them, so both draw with the same code. This module only reads
files: it imports nothing of graphkit, so any layer may use it.

Examples
--------
>>> "GraphkitLandscape" in asset_text("landscape.js")
True
>>> content_type("vendor/graph-vendor.min.js")
'text/javascript; charset=utf-8'
>>> asset_bytes("../assets.py")
Traceback (most recent call last):
...
KeyError: '../assets.py'
"""

from __future__ import annotations

import re
from functools import cache
from importlib import resources

__all__ = ["ASSETS", "asset_bytes", "asset_text", "content_type", "inline_script"]

#: Every file the app serves under /static/, by name. Nothing else is served.
ASSETS = (
    "ui.js",
    "app.js",
    "changes.js",
    "app.css",
    "landscape.js",
    "landscape.css",
    "vendor/graph-vendor.min.js",
)

_TYPES = {".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8"}


@cache
def asset_bytes(name: str) -> bytes:
    """The bytes of a shipped asset (``KeyError`` for anything not in :data:`ASSETS`)."""
    if name not in ASSETS:
        raise KeyError(name)
    return resources.files("graphkit.app").joinpath("static", *name.split("/")).read_bytes()


def asset_text(name: str) -> str:
    """A shipped asset as text."""
    return asset_bytes(name).decode("utf-8")


def content_type(name: str) -> str:
    """The Content-Type of an asset, from its extension."""
    return _TYPES[name[name.rfind("."):]]


def inline_script(name: str) -> str:
    """An asset's script made safe to place between ``<script>`` and ``</script>``.

    The HTML parser ends a script at ``</script`` and changes state at ``<!--``,
    wherever they are; in valid JavaScript they can only sit inside strings,
    regular expressions or comments, where ``<\\/script`` and ``<\\!--`` mean
    the same, so those are written instead.

    >>> inline_script("landscape.js").lower().count("</script")
    0
    """
    text = asset_text(name)
    text = re.sub(r"</(script)", r"<\\/\1", text, flags=re.IGNORECASE)
    return text.replace("<!--", "<\\!--")
