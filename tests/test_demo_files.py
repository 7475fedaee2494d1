"""`duchá demo --files DIR` (issue 12): the sample's documents as an office hands them on,
three official documents and the overdue list with coloured lights, opened by python-docx
and openpyxl as WPS and Excel would."""

from __future__ import annotations

from pathlib import Path

from conftest import DEMO_AS_OF, Runner


def test_the_demo_writes_three_documents_and_a_workbook_with_lights(
        cli: Runner, tmp_path: Path) -> None:
    import docx
    import openpyxl

    folder = tmp_path / "files"
    folder.mkdir()
    r = cli("--as-of", DEMO_AS_OF, "demo", "--files", str(folder), "-f", "csv",
            db=tmp_path / "demo.db")
    assert r.exit_code == 0, r
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        ["督查周报.docx", "通报.docx", "督查情况报告.docx", "逾期.xlsx"])
    texts = {}
    for name in ("督查周报.docx", "通报.docx", "督查情况报告.docx"):
        document = docx.Document(str(folder / name))
        texts[name] = "\n".join(p.text for p in document.paragraphs)
        assert "平凉市人民政府督查室" in texts[name], name  # the issuing office's header
    assert "周报" in texts["督查周报.docx"] and "通报" in texts["通报.docx"]
    assert "义务教育学校建设督查" in texts["督查情况报告.docx"]

    sheet = openpyxl.load_workbook(folder / "逾期.xlsx").active
    assert sheet is not None
    heads = [c.value for c in sheet[1]]
    light = heads.index("灯") + 1
    fills = {sheet.cell(row, light).value: sheet.cell(row, light).fill.fgColor.rgb
             for row in range(2, sheet.max_row + 1)}
    assert set(fills) == {"红灯", "黄灯"}
    assert fills["红灯"] != fills["黄灯"] and all(f and f != "00000000" for f in fills.values())


def test_a_missing_folder_is_refused_before_anything_is_built(cli: Runner,
                                                              tmp_path: Path) -> None:
    r = cli("demo", "--files", str(tmp_path / "nowhere"), db=tmp_path / "demo.db")
    assert r.exit_code == 2
    assert r.stderr == f"error: --files: no folder {tmp_path / 'nowhere'}; create it or name " \
                       "another\n"
    assert not (tmp_path / "demo.db").exists() and not (tmp_path / "nowhere").exists()
