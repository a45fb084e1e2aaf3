"""A result table as an Excel workbook for people: human headings, one number format per column.

Written with XlsxWriter (a small, pure-Python, well-kept library). Each
column gets its heading from :mod:`queries.glossary`, the explanation as a
note on the heading (hover it in Excel), and the format of its kind (counts
``#,##0``, shares ``0.0%``, money with the currency, ...); cells keep the full
numbers, so formulas and sorting work on the real values. Text is always
written as text: a bio starting with ``=`` is never a formula, a URL never a
link. The header row is frozen and filterable.

Examples
--------
>>> import io, zipfile
>>> frame = pd.DataFrame({"account": ["=cmd()", "b"], "audience_share": [0.5, None], "cost": [150.0, 500.0]})
>>> data = xlsx_bytes(frame, currency="EUR", sheet="shortlist")
>>> names = zipfile.ZipFile(io.BytesIO(data)).namelist()
>>> "xl/worksheets/sheet1.xml" in names, "xl/comments1.xml" in names
(True, True)
"""

from __future__ import annotations

import io
import math

import numpy as np
import pandas as pd

from queries.glossary import describe, is_fractional

__all__ = ["number_format", "xlsx_bytes"]


def number_format(kind: str, *, currency: str | None = None, fractional: bool = False) -> str | None:
    """The Excel number format of a column kind (``None``: text).

    >>> number_format("share"), number_format("money", currency="$"), number_format("money", currency="EUR")
    ('0.0%', '"$"#,##0', '#,##0" EUR"')
    """
    if kind in ("count", "rank"):
        return "#,##0"
    if kind == "share":
        return "0.0%"
    if kind == "score":
        return "0.000"
    if kind == "lift":
        return '0.00"×"'
    if kind == "small":
        return "0.000E+00"
    if kind == "reach":
        return "#,##0.0" if fractional else "#,##0"
    if kind == "money":
        if not currency:
            return "#,##0"
        safe = currency.replace('"', "")
        return f'#,##0" {safe}"' if safe.isalpha() else f'"{safe}"#,##0'
    return None


def _cell(value: object):
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return None if math.isnan(value) or math.isinf(value) else float(value)
    return str(value)


def xlsx_bytes(frame: pd.DataFrame, *, currency: str | None = None, sheet: str = "graphkit",
               title: str | None = None) -> bytes:
    """The table as ``.xlsx`` bytes (see the module notes); ``title`` goes to the document properties."""
    import xlsxwriter

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False,
                                        "strings_to_urls": False, "strings_to_numbers": False})
    if title:
        book.set_properties({"title": title, "comments": "Made by graphkit"})
    safe_sheet = "".join(ch for ch in sheet if ch not in "[]:*?/\\")[:31] or "graphkit"
    ws = book.add_worksheet(safe_sheet)
    head = book.add_format({"bold": True, "bg_color": "#F0F2F5", "bottom": 1, "text_wrap": True,
                            "valign": "top"})
    formats = {}
    for col, name in enumerate(frame.columns):
        column = describe(str(name))
        values = frame[name]
        fmt = number_format(column.kind, currency=currency,
                            fractional=column.kind == "reach" and is_fractional(values))
        formats[name] = book.add_format({"num_format": fmt}) if fmt else None
        ws.write_string(0, col, column.heading, head)
        if column.explanation:
            ws.write_comment(0, col, column.explanation, {"x_scale": 2, "y_scale": 1.2})
        text_width = max([len(column.heading)] + [len(str(v)) for v in values.head(200).astype(object).tolist()])
        ws.set_column(col, col, min(max(8, text_width + 2), 48))
    for row, record in enumerate(frame.astype(object).itertuples(index=False, name=None), start=1):
        for col, (name, value) in enumerate(zip(frame.columns, record)):
            cell = _cell(value)
            if cell is None:
                continue
            if isinstance(cell, str):
                ws.write_string(row, col, cell)
            elif isinstance(cell, bool):
                ws.write_boolean(row, col, cell)
            else:
                ws.write_number(row, col, cell, formats[name])
    ws.freeze_panes(1, 0)
    if len(frame.columns):
        ws.autofilter(0, 0, max(len(frame), 1), len(frame.columns) - 1)
    book.close()
    return buffer.getvalue()
