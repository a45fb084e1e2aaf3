"""Helpers shared by the loader tests: load into a fresh workspace, read an owner's lists."""

from __future__ import annotations

from pathlib import Path

from graphkit.api import load_files, open_workspace

#: Published counts of ../shared/data/exports (its README): followers, following, mutual.
EXPORTS = {
    "instagram/2024-12_lampros-m": (3477, 477, 470),
    "instagram/2025-08_kaankaramese": (269, 365, 255),
    "instagram/2026-05_goodnessfx_newformat": (10, 1139, 5),
    "instagram/2025-07_html_enrico": (1027, 948, 729),
    "x-archive/2023-08_larsbrinkhoff": (764, 79, 36),
    "x-archive/2020-06_keithfrankish": (13188, 2072, 1110),
    "tiktok/2025-06_textandgetrich": (69, 272, 59),
    "tiktok/2026-01_beyzaacesur": (62, 122, 60),
}


def load(folder: Path, kind: str, paths, **options):
    """Load ``paths`` as ``kind`` into the workspace ``folder``; return (workspace, reports)."""
    workspace = open_workspace(folder)
    reports = load_files(workspace, kind, [str(p) for p in paths], **options)
    return open_workspace(folder), reports


def lists_of(graph, owner: str) -> tuple[set[str], set[str]]:
    """The keys of ``owner``'s followers and of the accounts it follows."""
    me = graph.id_of(owner)
    return set(graph.keys_of(graph.followers(me))), set(graph.keys_of(graph.following(me)))


def manifest_files(folder: Path) -> list[str]:
    """What a workspace folder holds (empty when nothing was written)."""
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []
