"""Handle normalization: one key per account, whatever form the handle takes."""

import pandas as pd
import pytest

from graphkit.handles import bad_key_reason, normalize_handle, normalize_handles


@pytest.mark.parametrize(
    ("raw", "key"),
    [
        ("alice", "alice"),
        ("  @Alice  ", "alice"),
        ("ALICE\r", "alice"),
        ("https://www.instagram.com/alice/", "alice"),
        ("https://www.instagram.com/_u/alice", "alice"),
        ("instagram.com/Alice?hl=en", "alice"),
        ("http://twitter.com/Alice", "alice"),
        ("https://x.com/alice/status/1", "alice"),
        ("https://mobile.twitter.com/alice", "alice"),
        ("https://www.tiktok.com/@alice.dances", "alice.dances"),
        ("tiktok.com/@alice", "alice"),
        ("https://twitter.com/intent/user?user_id=1234567890123456789", "1234567890123456789"),
        ("1234567890123456789", "1234567890123456789"),
        ("", None),
        ("   ", None),
        ("@", None),
        (None, None),
    ],
)
def test_normalize_handle(raw, key):
    assert normalize_handle(raw) == key


def test_large_ids_never_pass_through_float():
    big = "9007199254740993"  # 2**53 + 1: a float would round it
    assert normalize_handle(big) == big
    assert normalize_handles(pd.Series([big])).tolist() == [big]


def test_normalization_is_idempotent():
    for raw in ["@Bob", "https://x.com/Bob", "tiktok.com/@b.o.b", "  B_O_B "]:
        once = normalize_handle(raw)
        assert normalize_handle(once) == once


def test_vectorized_matches_scalar():
    raw = ["@A", "b", "https://x.com/C", "  d ", "", None, "e.f"]
    expected = [normalize_handle(r) for r in raw]
    got = normalize_handles(pd.Series(raw, dtype="object")).tolist()
    assert [None if v is pd.NA else v for v in got] == expected


def test_control_characters_are_refused():
    assert bad_key_reason("ok") is None
    assert "U+0000" in bad_key_reason("a\x00b")
    assert "U+000A" in bad_key_reason("a\nb")
