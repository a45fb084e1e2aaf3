"""Properties of handle normalization (graphkit.handles), checked by hypothesis.

* idempotent: a key normalizes to itself, so a key read back from the workspace
  (or typed by a user who copied it from a table) finds its account again;
* never merges two different keys: distinct already-normalized keys stay distinct;
* the vectorized ``normalize_handles`` agrees with ``normalize_handle`` value by value.
"""

from __future__ import annotations

import pandas as pd
from hypothesis import example, given, settings
from hypothesis import strategies as st

from graphkit.handles import bad_key_reason, normalize_handle, normalize_handles

ODD = ["\u200f", "\u200d", "\u0301", "\u202e", "\ufeff", "\x00", " ", "\t", "@", "@@", "/", "?", "#",
       "x.com/", "https://www.instagram.com/_u/", "tiktok.com/@", "twitter.com/intent/user?user_id=",
       "İ", "ß", "ﬁ", "Σ", "ς", "K", "Å", "𝔞", ".", "_", "-", "A", "z", "9"]
handles = st.one_of(
    st.text(max_size=20),
    st.lists(st.sampled_from(ODD), max_size=8).map("".join),
    st.lists(st.one_of(st.sampled_from(ODD), st.text(max_size=3)), max_size=6).map("".join),
    st.from_regex(r"[ \t]*@?[A-Za-z0-9_.\-]{1,12}[ \t]*", fullmatch=True),
)


@given(handles)
@example("@@x")
@example("x.com/@@foo")
@example("@ x.com/foo")
@example("TIKTOK.COM/@")
@example("@ @x")
@example("https://www.instagram.com/_u/@@Ann/")
@settings(max_examples=10 * settings.default.max_examples)
def test_normalization_is_idempotent(value):
    key = normalize_handle(value)
    if key is not None:
        assert normalize_handle(key) == key, f"{value!r} -> {key!r} -> {normalize_handle(key)!r}"


@given(st.lists(handles, min_size=2, max_size=6))
def test_distinct_valid_keys_stay_distinct(values):
    keys = {normalize_handle(v) for v in values} - {None}
    valid = [k for k in keys if bad_key_reason(k) is None and normalize_handle(k) == k]
    assert len({normalize_handle(k) for k in valid}) == len(valid)


@given(st.lists(st.one_of(handles, st.none()), max_size=12))
def test_vectorized_agrees_with_the_scalar_function(values):
    for dtype in ("string", "str", "object"):
        series = pd.Series(values, dtype=dtype)
        got = normalize_handles(series).tolist()
        want = [normalize_handle(v) for v in values]
        assert [None if g is pd.NA or g is None or g != g else g for g in got] == want, dtype


@given(st.integers(min_value=0, max_value=10**25))
def test_numeric_ids_never_pass_through_a_float(number):
    assert normalize_handle(str(number)) == str(number)
    assert normalize_handle(number) == str(number)
