from conftest import Runner


def test_item_add_and_list(ledger: Runner) -> None:
    r = ledger("item", "add", "推进供热", "-c", "批示", "--lead", "发改", "--due", "+5wd",
               "--assigned", "2026-09-30", "-f", "json")
    assert r.exit_code == 0, r
    assert r.json()[0]["due"] == "2026-10-13"
    rows = ledger("item", "list", "-f", "json").json()
    assert [x["number"] for x in rows] == ["DB-2026-0001"]
