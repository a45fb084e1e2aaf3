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
    """The text of a configuration file; ``what`` names it in the error (``"tier file"``).

    The file must be UTF-8 text (as TOML requires); a binary or otherwise
    encoded file is one :class:`ConfigError` naming the line.

    >>> import tempfile, os
    >>> path = os.path.join(tempfile.mkdtemp(), "tiers.toml")
    >>> _ = open(path, "wb").write("[tiers]\\ncafé = 1\\n".encode("cp1252"))
    >>> try:
    ...     read_config_text(path, "tier file")
    ... except ConfigError as err:
    ...     print(str(err)[len(path):])
    , line 2: the tier file is not UTF-8 text (byte 0xe9 at column 4); save it as UTF-8
    """
    try:
        data = Path(path).read_bytes()
    except OSError as err:
        raise ConfigError(f"{path}: cannot read the {what}: {err.strerror}") from err
    if b"\x00" in data:
        line = data[: data.index(b"\x00")].count(b"\n") + 1
        raise ConfigError(f"{path}, line {line}: the {what} holds binary data (a NUL byte), not TOML text")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as err:
        line = data[: err.start].count(b"\n") + 1
        column = err.start - data.rfind(b"\n", 0, err.start)
        raise ConfigError(
            f"{path}, line {line}: the {what} is not UTF-8 text (byte 0x{data[err.start]:02x} at "
            f"column {column}); save it as UTF-8"
        ) from None


def parse_toml(text: str, source: str) -> dict:
    """Parse TOML text; ``source`` names the file (or the defaults) in the error."""
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        raise ConfigError(f"{source}: not valid TOML: {err}") from err
