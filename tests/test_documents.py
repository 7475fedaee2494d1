"""The three documents as .docx in the layout of Chinese official documents (GB/T 9704; issue
12, point 3): `report inspection N` (督查情况报告), `report weekly` (督查周报) and `report
units` (the 通报), opened back with python-docx."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from conftest import Runner, snapshot_db

docx = pytest.importorskip("docx")
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
OFFICE = "平凉市人民政府督查室"


def made(run: Runner, path: Path, *args: str) -> Any:
    r = run(*args, "-o", str(path))
    assert r.exit_code == 0, r
    assert r.stdout == "" and r.stderr == ""
    return docx.Document(str(path))


def texts(d: Any) -> list[str]:
    return [p.text for p in d.paragraphs]


def table_cells(d: Any) -> list[list[str]]:
    return [[c.text for c in row.cells] for t in d.tables for row in t.rows]


def east_asia(run: Any) -> str | None:
    fonts = run._r.rPr.find(f"{W}rFonts")
    return None if fonts is None else fonts.get(f"{W}eastAsia")


def assert_official_layout(d: Any, title: str) -> None:
    """GB/T 9704: A4 and its margins; the office's red header over a red rule; the title in
    小标宋 二号; first-level headings 一、 in 黑体; the body in 仿宋 三号 at a fixed 28.95 pt;
    page numbers "— N —" from a PAGE field; the signature with the date in Chinese."""
    s = d.sections[0]
    assert (round(s.page_width.mm), round(s.page_height.mm)) == (210, 297)
    assert [round(m.mm) for m in (s.top_margin, s.bottom_margin, s.left_margin,
                                  s.right_margin)] == [37, 35, 28, 26]
    head = d.paragraphs[0]
    assert head.text == OFFICE
    assert str(head.runs[0].font.color.rgb) == "FF0000"
    assert east_asia(head.runs[0]) == "方正小标宋简体"
    rules = d.element.body.findall(f".//{W}pBdr/{W}bottom")
    assert rules and rules[0].get(f"{W}color") == "FF0000"
    [t] = [p for p in d.paragraphs if p.text == title]
    assert east_asia(t.runs[0]) == "方正小标宋简体" and t.runs[0].font.size.pt == 22
    heads = [p for p in d.paragraphs if p.style.name == "Heading 1"]
    assert heads and heads[0].text.startswith("一、") and heads[1].text.startswith("二、")
    assert east_asia(heads[0].runs[0]) == "黑体"
    body = [p for p in d.paragraphs if p.paragraph_format.first_line_indent is not None
            and p.style.name == "Normal" and p.runs]
    assert body
    for p in body:
        assert east_asia(p.runs[0]).startswith("仿宋"), p.text
        assert p.runs[0].font.size.pt == 16
    normal = d.styles["Normal"]
    assert normal.paragraph_format.line_spacing.pt == pytest.approx(28.95, abs=0.05)
    assert normal.element.rPr.find(f"{W}rFonts").get(f"{W}eastAsia").startswith("仿宋")
    # 仿宋_GB2312 falls back to 仿宋, 方正小标宋简体 to 宋体 (the font table's altName).
    from docx.opc.constants import RELATIONSHIP_TYPE as RT

    fonts = d.part.part_related_by(RT.FONT_TABLE).blob.decode()
    assert '<w:font w:name="仿宋_GB2312"><w:altName w:val="仿宋"/>' in fonts
    assert '<w:font w:name="方正小标宋简体"><w:altName w:val="宋体"/>' in fonts
    for footer in (s.footer, s.even_page_footer):
        xml = footer._element.xml
        assert "PAGE" in xml and "fldChar" in xml
        number = footer.paragraphs[0].text
        assert number.startswith("— ") and number.endswith(" —")
    assert d.settings.odd_and_even_pages_header_footer
    assert "2026年11月30日" in texts(d)  # the signature's date (as of the demo's date)


def test_weekly_docx_lists_everything_still_overdue(on_demo: Runner, tmp_path: Path) -> None:
    d = made(on_demo, tmp_path / "周报.docx", "report", "weekly")
    assert_official_layout(d, "督查工作周报")
    rows = on_demo("report", "weekly", "-f", "json").json()
    overdue = [r for r in rows if r["section"] == "overdue"]
    red = on_demo("report", "overdue", "--min-days", "1", "-f", "json").json()
    assert {r["number"] for r in overdue} == {r["number"] for r in red}
    cells = table_cells(d)
    listed = {row[0]: row for row in cells}
    for r in red:
        assert r["number"] in listed, r
    marked = {row[0] for row in cells if row[-1] == "本周新增"}
    assert marked == {r["number"] for r in overdue if r["new"]}
    body = "\n".join(texts(d))
    assert f"逾期未办结{len(overdue)}项，其中本周新增{len(marked)}项" in body
    assert "（一）各单位逾期情况" in body and "核验码" in body


def test_units_docx_praises_and_names_the_lagging_units(on_demo: Runner, tmp_path: Path) -> None:
    d = made(on_demo, tmp_path / "通报.docx", "report", "units", "--doc-no", "平督〔2026〕12号")
    assert_official_layout(d, "关于2026年度督查督办事项办理情况的通报")
    assert texts(d)[1] == "平督〔2026〕12号"
    rows = on_demo("report", "units", "-f", "json").json()
    lagging = [r for r in rows if r["items_overdue"] + r["findings_overdue"]]
    lagging.sort(key=lambda r: (-(r["items_overdue"] + r["findings_overdue"]),
                                -r["findings_reopened"], r["unit"]))
    best = {r["name"] for r in rows if r["on_time_rate"] == 100 and not r["items_overdue"]
            and not r["findings_overdue"] and not r["findings_reopened"]}
    lines = texts(d)
    blame = lines[lines.index("三、通报批评") + 2:lines.index("四、工作要求")]
    assert [line.split("：")[0] for line in blame] == [r["name"] for r in lagging]
    for line, r in zip(blame, lagging, strict=True):
        if r["items_overdue"]:
            assert f"逾期未办结督办事项{r['items_overdue']}项" in line
        if r["findings_overdue"]:
            assert f"逾期未整改问题{r['findings_overdue']}个" in line
    praise = lines[lines.index("二、通报表扬") + 2:lines.index("三、通报批评")]
    assert best and {line.split("：")[0] for line in praise} == best
    # The scoreboard is the attachment, every unit in it.
    assert "附件：各单位督查督办事项办理情况统计表" in lines
    assert {row[0] for row in table_cells(d)} >= {r["name"] for r in rows}


def test_inspection_docx(on_demo: Runner, tmp_path: Path) -> None:
    reports = [on_demo("report", "inspection", str(n), "-f", "json").json() for n in range(1, 9)]
    data = max(reports, key=lambda x: len(x["findings"]))
    number = data["number"]
    assert data["findings"]
    d = made(on_demo, tmp_path / "报告.docx", "report", "inspection", number)
    title = f"关于{data['topic']}的督查情况报告"
    assert_official_layout(d, title)
    lines = texts(d)
    assert "三、发现的问题及整改要求" in lines and "四、下一步要求" in lines
    sub = next(p for p in d.paragraphs if p.style.name == "Heading 2")
    assert sub.text.startswith("（一）") and east_asia(sub.runs[0]).startswith("楷体")
    numbers = {row[0] for row in table_cells(d)}
    assert {f["number"] for f in data["findings"]} <= numbers
    assert any(line.startswith("1.") for line in lines)
    # -f docx says the same thing.
    again = tmp_path / "again.docx"
    assert on_demo("report", "inspection", number, "-f", "docx", "-o", str(again)).exit_code == 0
    assert texts(docx.Document(str(again))) == lines


def test_the_office_comes_from_the_settings(ledger: Runner, tmp_path: Path) -> None:
    r = ledger("inspect", "add", "供热保障", "--lead", "fgw", "--method", "on-site", "-t",
               "kongtong", "--from", "2026-11-02", "--as-of", "2026-11-28")
    assert r.exit_code == 0, r
    r = ledger("finding", "add", "台账\x1b[31m不全", "-u", "kongtong", "--mode", "deadline",
               "--inspection", "1", "--on", "2026-11-05", "--as-of", "2026-11-28")
    assert r.exit_code == 0, r
    d = made(ledger, tmp_path / "a.docx", "report", "inspection", "1", "--as-of", "2026-11-28")
    assert d.paragraphs[0].text == "督查室"  # the default

    def signature(d: Any) -> list[tuple[str, float]]:
        return [(p.text, p.paragraph_format.right_indent.pt) for p in d.paragraphs[-2:]]

    # 7.3.5.2: the date starts two characters (of 16 pt) right of the office's first; when
    # it is the longer, the date is two from the right and the office moves left.
    assert signature(d) == [("督查室", 8 * 16), ("2026年11月28日", 2 * 16)]
    assert "（送审稿）" in texts(d)  # not yet approved
    # Stored control characters are shown, never break the document.
    assert any("台账\\x1b[31m不全" in c for row in table_cells(d) for c in row)
    assert ledger("config", "set", "office.name", "平凉市人民政府督查室").exit_code == 0
    d = made(ledger, tmp_path / "b.docx", "report", "inspection", "1", "--as-of", "2026-11-28")
    assert d.paragraphs[0].text == "平凉市人民政府督查室"
    assert signature(d) == [("平凉市人民政府督查室", 2 * 16), ("2026年11月28日", 3 * 16)]


@pytest.mark.parametrize(("args", "says"), [
    (["report", "inspection", "DC-2026-009", "-o", "{tmp}/报告.docx"],
     "no inspection DC-2026-009"),
    (["report", "weekly", "-o", "{tmp}/no/such/周报.docx"], "does not exist"),
    (["report", "units", "-o", "{tmp}/no/such/通报.docx"], "does not exist"),
    (["report", "units", "-f", "docx"], "docx is a file, not text"),
    (["report", "weekly", "-f", "docx", "-o", "{tmp}/周报.md"], "-f docx contradicts -o 周报.md"),
    (["report", "weekly", "-f", "csv", "-o", "{tmp}/周报.docx"], "-f csv contradicts"),
    (["report", "units", "--doc-no", "平督〔2026〕1号"], "--doc-no is for .docx"),
    (["report", "units", "--doc-no", " ", "-o", "{tmp}/通报.docx"], "--doc-no is empty"),
])
def test_bad_input_writes_nothing(ledger: Runner, db_path: Path, tmp_path: Path,
                                  args: list[str], says: str) -> None:
    out = tmp_path / "out"
    out.mkdir()
    before = snapshot_db(db_path)
    r = ledger(*(a.replace("{tmp}", str(out)) for a in args))
    assert r.exit_code == 2, r
    assert r.stderr.startswith("error: ") and r.stderr.count("\n") == 1 and says in r.stderr
    assert r.stdout == ""
    assert list(out.iterdir()) == []
    assert snapshot_db(db_path) == before
