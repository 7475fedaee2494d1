"""Units: add, list, show, edit, and resolution by code, name or an unambiguous part."""

from conftest import Runner, snapshot_db


def test_add_and_list(ledger: Runner) -> None:
    rows = ledger("unit", "list", "-f", "json").json()
    assert [r["code"] for r in rows] == ["fgw", "jingchuan", "jyj", "kongtong", "zjj"]
    assert {r["code"]: r["kind"] for r in rows}["kongtong"] == "county"
    counties = ledger("unit", "list", "--kind", "县区", "-f", "json").json()
    assert [r["code"] for r in counties] == ["jingchuan", "kongtong"]


def test_resolution_by_code_name_part_and_abbreviation(ledger: Runner) -> None:
    for name in ("fgw", "FGW", "平凉市发展和改革委员会", "发展和改革", "发改委"):
        r = ledger("unit", "show", name, "-f", "json")
        assert r.exit_code == 0, (name, r)
        assert r.json()["code"] == "fgw"


def test_ambiguous_unit_lists_the_candidates(ledger: Runner, db_path) -> None:
    before = snapshot_db(db_path)
    r = ledger("item", "add", "x", "-c", "meeting", "--lead", "平凉市", "--due", "2026-12-31",
               "--as-of", "2026-11-01")
    assert r.exit_code == 2
    assert r.stderr.startswith("error: unit '平凉市' is ambiguous")
    assert "fgw" in r.stderr and "jyj" in r.stderr and len(r.stderr.splitlines()) == 1
    assert snapshot_db(db_path) == before


def test_unknown_unit_suggests(ledger: Runner, db_path) -> None:
    before = snapshot_db(db_path)
    r = ledger("item", "add", "x", "-c", "meeting", "--lead", "kongtog", "--due", "2026-12-31")
    assert r.exit_code == 2
    assert "unknown unit 'kongtog'" in r.stderr and "kongtong" in r.stderr
    assert snapshot_db(db_path) == before


def test_duplicate_code_is_refused(ledger: Runner, db_path) -> None:
    before = snapshot_db(db_path)
    r = ledger("unit", "add", "FGW", "另一个发改委")
    assert r.exit_code == 2 and "already exists" in r.stderr
    assert snapshot_db(db_path) == before


def test_edit_and_show(ledger: Runner) -> None:
    r = ledger("unit", "edit", "jyj", "--name", "平凉市教育局（新）", "--parent", "fgw",
               "-f", "json")
    assert r.exit_code == 0, r
    assert r.json() == [{"code": "jyj", "name": "平凉市教育局（新）", "short_name": "教育局（新）",
                         "kind": "department", "parent": "fgw"}]
    assert ledger("unit", "edit", "jyj").exit_code == 2
