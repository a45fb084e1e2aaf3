"""Reading graphkit's small TOML configuration files (tiers, costs, rank weights).

Each kind of file has its own table and checks; what they share is how the file
is read and what a user is told when it cannot be read or parsed.

Examples
--------
>>> parse_toml("[cost]\\nnano = 150", "costs.toml")
{'cost': {'nano': 150}}
>>> parse_toml("[cost", "costs.toml")
Traceback (most recent call last):
...
graphkit.errors.ConfigError: costs.toml: not valid TOML: Expected ']' at the end of a table declaration (at end of document)
"""

from __future__ import annotations

import tomllib
from pathlib import Path

from graphkit.errors import ConfigError

__all__ = ["read_config_text", "parse_toml"]


def read_config_text(path: str | Path, what: str) -> str:
    """The text of a configuration file; ``what`` names it in the error (``"tier file"``)."""
    try:
        return Path(path).read_text("utf-8")
    except OSError as err:
        raise ConfigError(f"{path}: cannot read the {what}: {err.strerror}") from err


def parse_toml(text: str, source: str) -> dict:
    """Parse TOML text; ``source`` names the file (or the defaults) in the error."""
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        raise ConfigError(f"{source}: not valid TOML: {err}") from err
