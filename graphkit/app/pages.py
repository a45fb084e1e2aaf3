"""The app's HTML: one page that the script fills in, and error pages.

The page holds no account data: the script (``static/app.js``) asks the API
for it and sets every string with ``textContent``. What the page needs to start
(tier names, default prices and currency) travels as JSON in a
``<script type="application/json">`` element, escaped by
:func:`queries.html_map.script_json`.

Examples
--------
>>> "<b>" in error_html(404, "no <b>page</b>"), "no &lt;b&gt;page&lt;/b&gt;" in error_html(404, "no <b>page</b>")
(False, True)
"""

from __future__ import annotations

import html

from queries.html_map import script_json

__all__ = ["index_html", "error_html"]

_SCRIPTS = ("vendor/graph-vendor.min.js", "landscape.js", "ui.js", "changes.js", "app.js")
_STYLES = ("app.css", "landscape.css")


def index_html(settings: dict) -> str:
    """The app's single page; ``settings`` is the JSON the script starts from."""
    styles = "".join(f'<link rel="stylesheet" href="/static/{name}">\n' for name in _STYLES)
    scripts = "".join(f'<script src="/static/{name}"></script>\n' for name in _SCRIPTS)
    return (
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        '<link rel="icon" href="data:,">\n<title>graphkit</title>\n'
        f"{styles}</head>\n<body>\n"
        '<header class="gk-top">\n'
        '  <a class="gk-logo" href="/">graphkit</a>\n'
        '  <div class="gk-picker"><input id="gk-brand" type="search" autocomplete="off" '
        'placeholder="Pick a brand: type a handle" aria-label="brand">'
        '<ul id="gk-brand-list" class="gk-brand-list" role="listbox" hidden></ul></div>\n'
        '  <nav class="gk-tabs" aria-label="views">'
        '<button type="button" data-view="overview">Overview</button>'
        '<button type="button" data-view="shortlist">Shortlist</button>'
        '<button type="button" data-view="landscape">Landscape</button>'
        '<button type="button" data-view="plan">Plan</button>'
        '<button type="button" data-view="changes">Changes</button></nav>\n'
        '  <span id="gk-busy" class="gk-busy" hidden>working…</span>\n'
        "</header>\n"
        '<main id="gk-main">\n'
        '  <section id="gk-view-welcome" class="gk-view"></section>\n'
        '  <section id="gk-view-overview" class="gk-view" hidden></section>\n'
        '  <section id="gk-view-shortlist" class="gk-view" hidden></section>\n'
        '  <section id="gk-view-landscape" class="gk-view" hidden></section>\n'
        '  <section id="gk-view-plan" class="gk-view" hidden></section>\n'
        '  <section id="gk-view-changes" class="gk-view" hidden></section>\n'
        "</main>\n"
        '<aside id="gk-account" class="gk-account" hidden aria-label="account"></aside>\n'
        '<div id="gk-error" class="gk-error" role="alert" hidden></div>\n'
        '<pre id="gk-status" hidden></pre>\n'
        f'<script type="application/json" id="gk-settings">{script_json(settings)}</script>\n'
        f"{scripts}</body>\n</html>\n"
    )


def error_html(status: int, message: str) -> str:
    """A small page saying what went wrong (never a traceback)."""
    titles = {400: "That did not work", 401: "Access token needed", 404: "Not found",
              500: "Something went wrong"}
    title = titles.get(status, "Error")
    return (
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        f"<title>graphkit: {html.escape(title)}</title>\n"
        '<link rel="stylesheet" href="/static/app.css">\n</head>\n<body>\n'
        f'<main class="gk-error-page"><h1>{html.escape(title)}</h1><p>{html.escape(message)}</p>'
        '<p><a href="/">Back to the app</a></p></main>\n</body>\n</html>\n'
    )
