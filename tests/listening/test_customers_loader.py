"""``graphkit load customers``: handles across platforms, matching counts, no e-mail stored."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from graphkit.api import load_files, open_workspace
from graphkit.errors import InputError
from loaders.customers import parse_money

FOLLOWERS = "ann\nbob\ncat\n"
FOLLOWING = "follower,followee\nann,bob\ndave_tt,ann\n"
# ann: instagram ann + tiktok dave_tt, both in the graph (matched, two accounts)
# bob: only a URL handle, in the graph (matched)
# eve: handles not in the graph; fay: no handle at all; gus: e-mail in the handle column
CUSTOMERS = """\
Customer ID,Email,First Name,Instagram Handle,TikTok,Total Orders,Total Spent,Last Order Date
C1,ann.smith@example.com,Annabel,@Ann,tiktok.com/@Dave_TT,3,"$1,200.50",2024-05-01
C2,bob@example.org,Bobbington,https://www.instagram.com/bob/,,1,20,03/02/2024
C3,eve@example.net,Evangeline,eve.unknown,@eve.tt,2,15.5,2024-01-09
C4,fay@example.com,Fayette,,,5,100,
C5,gus@example.com,Gustavson,gus@example.com,n/a,1,10,2023-12-31
C6,ann.second@example.com,Anneliese,ann,,2,99.5,2024-06-02
"""


def _write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def loaded(tmp_path):
    ws = open_workspace(tmp_path / "ws")
    load_files(ws, "followers", [_write(tmp_path, "acme.txt", FOLLOWERS)], of="acme")
    load_files(ws, "edges", [_write(tmp_path, "edges.csv", FOLLOWING)])
    reports = load_files(ws, "customers", [_write(tmp_path, "customers.csv", CUSTOMERS)])
    return tmp_path, reports


def test_customers_link_to_every_platform_account(loaded):
    tmp_path, _ = loaded
    accounts = open_workspace(tmp_path / "ws").graph.accounts.set_index("key")
    customers = accounts[accounts["is_customer"].fillna(False).astype(bool)]
    assert sorted(customers.index) == ["ann", "bob", "dave_tt", "eve.tt", "eve.unknown"]
    # ann is named by C1 and C6: orders and value add up, the latest order wins, the first id
    assert int(accounts.loc["ann", "orders_count"]) == 5
    assert accounts.loc["ann", "customer_value"] == pytest.approx(1300.0)
    assert accounts.loc["ann", "last_order"] == "2024-06-02"
    assert accounts.loc["ann", "customer_id"] == "C1"
    # dave_tt is C1's TikTok: C1 only
    assert int(accounts.loc["dave_tt", "orders_count"]) == 3
    assert accounts.loc["dave_tt", "customer_value"] == pytest.approx(1200.5)
    assert accounts.loc["bob", "last_order"] == "2024-03-02"  # month first: no day above 12
    assert pd.isna(accounts.loc["cat", "is_customer"])


def test_report_counts_matched_unmatched_and_without_handle(loaded):
    _, reports = loaded
    report = reports[0]
    assert report.rows_read == 6 and not report.rejected
    # C1, C2, C6 matched; C3 handles not in the graph; C4 and C5 (e-mail only) have no handle
    assert report.notes == [
        "6 customers: 3 matched an account of the follow graph, 1 have handles not in it, "
        "2 have no social handle"
    ]
    assert report.notes[0] in str(report)


def test_no_email_or_name_is_written_anywhere(loaded):
    tmp_path, _ = loaded
    secrets = ["example.com", "example.org", "example.net", "ann.smith", "Annabel", "Bobbington",
               "Evangeline", "Fayette", "Gustavson", "Anneliese"]
    files = [p for p in (tmp_path / "ws").rglob("*") if p.is_file()]
    assert any(p.suffix == ".parquet" for p in files)
    for file in files:
        raw = file.read_bytes()
        for secret in secrets:
            assert secret.encode() not in raw, (file, secret)
        if file.suffix == ".parquet":  # compressed pages: look at the decoded values too
            text = pd.read_parquet(file).astype(str).to_csv()
            for secret in secrets:
                assert secret not in text, (file, secret)


def test_customers_loaded_before_followers_link_later(tmp_path):
    ws = open_workspace(tmp_path / "ws")
    report = load_files(ws, "customers", [_write(tmp_path, "c.csv", CUSTOMERS)])[0]
    assert report.notes[0].startswith("6 customers: 0 matched")
    load_files(ws, "followers", [_write(tmp_path, "acme.txt", FOLLOWERS)], of="acme")
    graph = open_workspace(tmp_path / "ws").graph
    ann = graph.id_of("ann")
    assert bool(graph.accounts.loc[ann, "is_customer"]) and graph.id_of("acme") in graph.following(ann)


def test_email_in_id_column_is_dropped(tmp_path):
    path = _write(tmp_path, "c.csv", "customer,instagram,orders\nzed@example.com,zed,2\n")
    load_files(open_workspace(tmp_path / "ws"), "customers", [path])
    accounts = open_workspace(tmp_path / "ws").graph.accounts.set_index("key")
    assert int(accounts.loc["zed", "orders_count"]) == 2
    assert "customer_id" not in accounts.columns or pd.isna(accounts.loc["zed", "customer_id"])


def test_several_handles_in_one_cell_and_a_generic_handle_column(tmp_path):
    path = _write(tmp_path, "c.csv", "id;social_handles;ltv\n7;@one, x.com/Two | three;1.234,50 €\n")
    report = load_files(open_workspace(tmp_path / "ws"), "customers", [path])[0]
    accounts = open_workspace(tmp_path / "ws").graph.accounts.set_index("key")
    assert sorted(accounts.index) == ["one", "three", "two"]
    assert (accounts["customer_value"] == 1234.5).all()
    assert report.notes[0].endswith("0 matched an account of the follow graph, 1 have handles not in it, 0 have no social handle")


def test_no_handle_column_is_an_error_naming_the_file(tmp_path):
    path = _write(tmp_path, "c.csv", "id,email,orders\n1,a@example.com,2\n")
    with pytest.raises(InputError, match="no social handle column") as err:
        load_files(open_workspace(tmp_path / "ws"), "customers", [path])
    assert str(path) in str(err.value) and "a@example.com" not in str(err.value)
    assert not (tmp_path / "ws" / "manifest.json").exists()


@pytest.mark.parametrize("strict", [True, False])
def test_bad_amount_or_date_names_line_and_column_never_the_email(tmp_path, strict):
    text = ("id,email,instagram,total_spent,last_order\n"
            "1,a@example.com,ann,12,2024-01-01\n"
            "2,b@example.com,bob,twelve,2024-01-01\n"
            "3,c@example.com,cat,3,whenever\n")
    path = _write(tmp_path, "c.csv", text)
    ws = open_workspace(tmp_path / "ws")
    if strict:
        with pytest.raises(InputError) as err:
            load_files(ws, "customers", [path])
        assert str(err.value).startswith(f"{path}, line 3: column 'total_spent'")
        assert "@example.com" not in str(err.value)
        assert not (tmp_path / "ws" / "manifest.json").exists()
    else:
        report = load_files(ws, "customers", [path], skip_bad_rows=True)[0]
        assert [r.line for r in report.rejected] == [3, 4]
        assert all("@example.com" not in str(r) for r in report.rejected)
        keys = open_workspace(tmp_path / "ws").graph.keys.tolist()
        assert keys == ["ann"]


@pytest.mark.parametrize(("text", "expected"), [
    ("12", 12.0), ("$1,234.50", 1234.5), ("1.234,50 €", 1234.5), ("EUR 12,5", 12.5),
    ("1,234", 1234.0), ("-5.5", -5.5), ("", None),
])
def test_parse_money(text, expected):
    assert parse_money(text) == expected


def test_cli_load_customers_prints_the_counts(run_cli, tmp_path):
    run_cli("load", "followers", str(_write(tmp_path, "acme.txt", FOLLOWERS)), "--of", "acme")
    result = run_cli("load", "customers", str(_write(tmp_path, "c.csv", CUSTOMERS)))
    assert result.exit_code == 0
    assert "6 customers: 3 matched an account of the follow graph" in result.stdout
    again = run_cli("load", "customers", str(tmp_path / "c.csv"), "--json")
    assert '"skipped_reason": "already loaded; nothing changed"' in again.stdout
