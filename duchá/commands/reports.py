"""`duchá report ...`: the dashboard, the overdue list for cron, the weekly report, the unit
scoreboard and the draft inspection report."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from duchá.commands import checked_year, state, sub_app
from duchá.errors import BadInput
from duchá.output import cols

if TYPE_CHECKING:
    from duchá.services.ledger import Ledger

app = sub_app("Reports: status, overdue, weekly, units, inspection N.\n\n"
              "Example: duchá report overdue --fail-on red -f csv")

OVERDUE_COLS = cols("kind:类型:RECORD_KIND number:编号 title:事项/问题 unit:单位:unit due:时限 "
                    "days_overdue:逾期天数 light:灯:LIGHT status:状态:status "
                    "last_progress:最近进展")
STATUS_COLS = cols("kind:类型:RECORD_KIND status:状态:status count:数量 red:红灯 yellow:黄灯 "
                   "green:绿灯")
CATEGORY_COLS = cols("category:类别:CATEGORY name:名称 open:在办 overdue:逾期 done:办结 "
                     "cancelled:撤销 total:合计")
RED_COLS = cols("unit:单位:unit name:名称 red_items:红灯事项 red_findings:红灯问题 red:合计")
QUOTA_COLS = cols("year:年度 allowed:允许 used:已用 headroom:余量")
WEEKLY_COLS = cols("section:栏目:WEEKLY_SECTION kind:类型:RECORD_KIND number:编号 "
                   "title:事项/问题 unit:单位:unit date:日期 due:时限 status:状态:status "
                   "days_overdue:逾期天数 new:新增:YES_NO")
UNITS_COLS = cols(
    "unit:单位:unit name:名称 year:年度 items_open:在办事项 items_overdue:逾期事项 "
    "items_on_time:按时办结 items_late:超期办结 findings_open:未整改问题 "
    "findings_overdue:逾期问题 findings_verified:已销号问题 findings_reopened:反弹问题 "
    "findings_on_time:按时整改 findings_late:超期整改 "
    "on_time_rate:按时率 inspections:接受督查 organizers:督查单位数 accountability:问责 "
    "circulated:列入通报 circulated_records:通报事项"
)
TARGET_COLS = cols("unit:单位:unit name:名称")
COVERED_COLS = cols("number:编号 title:事项 due:落实时限 status:状态:ITEM_STATUS")
FINDING_COLS = cols("number:编号 unit:单位:unit description:问题 severity:性质:SEVERITY "
                    "mode:整改方式:MODE due:整改时限 status:状态:FINDING_STATUS")
INSPECTION_COLS = cols(
    "number:编号 topic:主题 method:方式:METHOD lead:牵头单位:unit plan:计划 start:开始 end:结束 "
    "approval_ref:审批文号 report_summary:报告摘要 report_approved_by:审定人 "
    "report_approved_on:审定日期 report_circulated_on:通报日期"
)
FAIL_ON = {"red": ("red",), "yellow": ("red", "yellow")}


def _markdown(ctx: typer.Context) -> bool:
    """Documents are Markdown unless -f or the -o file's extension asks for another format
    (they are mailed); a Markdown document settles its language before the ledger opens."""
    st = state(ctx)
    st.default_fmt = "markdown"
    if st.fmt != "markdown":
        return False
    st.pin_lang("markdown", document=True)
    return True


DocNo = Annotated[str | None, typer.Option(
    "--doc-no", help="With .docx: the document number under the header (发文字号), e.g. "
    "平督〔2026〕12号.")]


def _document(ctx: typer.Context, doc_no: str | None) -> bool:
    """Whether the report is written as an official document (GB/T 9704, duchá/documents):
    the format is docx (-f docx, or -o NAME.docx).  Checked before the ledger is opened, so a
    bad --doc-no changes nothing and writes nothing."""
    st = state(ctx)
    docx = st.fmt == "docx"
    if doc_no is not None:
        if not docx:
            raise BadInput("--doc-no is for .docx documents: add -o NAME.docx")
        if not doc_no.strip():
            raise BadInput("--doc-no is empty; give the document number, e.g. 平督〔2026〕12号")
        if not doc_no.isprintable():
            raise BadInput("--doc-no takes plain text, without control characters")
    return docx


def _office(lg: Ledger) -> str:
    """The issuing office the documents name (setting office.name)."""
    from duchá.services import settings

    return str(settings.get(lg, "office.name"))


def _write(ctx: typer.Context, text: str) -> None:
    st = state(ctx)
    with st._out() as out:
        out.write(text)


@app.command("status")
def report_status(ctx: typer.Context) -> None:
    """The dashboard: items and findings by status and light, by category, the units with
    the most red, and the year's plan quota.

    Panels and bar charts on a terminal; the same numbers as rows in any other format: one
    CSV/TSV table with a `section` column (by_status, by_category, red_units, quota), one
    JSON object keyed by section, a sheet per section in xlsx.

    Example: duchá report status --as-of 2026-11-30 -o 督查看板.xlsx
    """
    from duchá.reports import queries as reports

    st = state(ctx)
    with st.ledger(write=False) as lg:
        data = reports.status(lg)
    if st.fmt == "table":
        from duchá.reports.dashboard import render

        with st._out() as out:
            render(data, out, color=st.color, lang=st.lang)
        return
    st.emit_sections([("by_status", STATUS_COLS, data["by_status"]),
                      ("by_category", CATEGORY_COLS, data["by_category"]),
                      ("red_units", RED_COLS, data["red_units"]),
                      ("quota", QUOTA_COLS, data["quota"])], title="status")


@app.command("overdue")
def report_overdue(
    ctx: typer.Context,
    unit: Annotated[str | None, typer.Option(help="Only this unit's rows.")] = None,
    kind: Annotated[str | None, typer.Option(help="item or finding (事项 or 问题).")] = None,
    min_days: Annotated[int | None, typer.Option(
        "--min-days", help="Only rows at least N days overdue (1 = red only; yellow rows "
        "count days left as negative).")] = None,
    fail_on: Annotated[str | None, typer.Option(
        "--fail-on", help="red or yellow: exit 1 when such rows exist (for cron).")] = None,
) -> None:
    """Every item and finding whose light is red (past due) or yellow (due soon or, for an
    item, behind its 序时进度), most overdue first: the red and yellow of `item list` and
    `finding list`.

    The format follows -f or the -o file's extension (.csv .xlsx .docx .md ...); in xlsx and
    docx the lights are red, yellow and green cells.

    Example: duchá report overdue --fail-on red -o 逾期.xlsx
    """
    from duchá.reports import queries as reports

    st = state(ctx)
    kind_code = None
    if kind is not None:
        from duchá.vocab import RECORD_KIND

        try:
            kind_code = RECORD_KIND.parse(kind)
        except BadInput:
            kind_code = None
        if kind_code not in ("item", "finding"):
            raise BadInput(f"--kind takes item or finding, not '{kind}'")
    if fail_on is not None and fail_on.strip().lower() not in FAIL_ON:
        raise BadInput(f"--fail-on takes red or yellow, not '{fail_on}'")
    with st.ledger(write=False) as lg:
        rows = reports.overdue(lg, unit=unit, kind=kind_code,
                               min_days=min_days)
    st.emit(rows, OVERDUE_COLS, title="overdue")
    if fail_on and any(r["light"] in FAIL_ON[fail_on.strip().lower()] for r in rows):
        raise typer.Exit(1)


@app.command("weekly")
def report_weekly(
    ctx: typer.Context,
    week: Annotated[str | None, typer.Option(
        help="ISO week, e.g. 2026-W48 or W48, or a date in it (default: the --as-of week).")
    ] = None,
    doc_no: DocNo = None,
) -> None:
    """The week's report (督查周报): everything still overdue at the week's end (on the
    as-of date while the week runs), the new ones marked, with counts by unit; what was
    registered, closed, verified and reopened; what falls due next week.  Read from the
    history as it stood at the week's end, so a past week's report reads the same later.

    Markdown by default (it is mailed); -o 周报.docx the official document (GB/T 9704);
    -f csv/json/... or -o 周报.xlsx give the rows.  It ends with the chain head of the
    history it was made from: `duchá verify --head HASH` later proves that history was not
    cut short or rewritten since.

    Example: duchá report weekly --week 2026-W48 -o 周报.md
    """
    from duchá.reports import queries as reports

    st = state(ctx)
    markdown = _markdown(ctx)
    docx = _document(ctx, doc_no)
    with st.ledger(write=False) as lg:
        meta, rows = reports.weekly(lg, week)
        office, today = _office(lg) if docx else "", lg.today
    if docx:
        from duchá.documents import weekly as document

        st.send_bytes(document.build(meta, rows, today=today, office=office, doc_no=doc_no))
    elif markdown:
        _write(ctx, reports.weekly_markdown(meta, rows, st.lang))
    else:
        st.emit(rows, WEEKLY_COLS, title=f"weekly {meta['week']}")


@app.command("units")
def report_units(
    ctx: typer.Context,
    year: Annotated[int | None, typer.Option(
        callback=checked_year, help="The year (default: the --as-of year).")
                    ] = None,
    doc_no: DocNo = None,
) -> None:
    """The scoreboard per unit for the circular (通报): items and findings open, overdue, on
    time and late, reopened, the on-time rate, inspections received and by how many
    organizers (基层减负), and accountability.

    -o 通报.docx writes the circular itself (GB/T 9704): praise for the units whose work was
    all on time, criticism by name of every unit with overdue work, naming the records put on
    the 通报 list after their 催办 and 督办 (`duchá remind`), and the scoreboard.

    Example: duchá report units --year 2026 -f csv
    """
    from duchá.reports import queries as reports

    st = state(ctx)
    docx = _document(ctx, doc_no)
    with st.ledger(write=False) as lg:
        rows = reports.unit_scores(lg, year)
        office, today = _office(lg) if docx else "", lg.today
        if docx:
            from duchá.services.reminders import circulated

            listed = circulated(lg, year or today.year)
    if docx:
        from duchá.documents import circular

        st.send_bytes(circular.build(rows, year=year or today.year, today=today,
                                     office=office, doc_no=doc_no, circulated=listed))
        return
    st.emit(rows, UNITS_COLS, title="units")


@app.command("inspection")
def report_inspection(
    ctx: typer.Context,
    number: Annotated[str, typer.Argument(help="DC-2026-001 or the bare sequence number.")],
    doc_no: DocNo = None,
) -> None:
    """A draft 督查情况报告 (inspection report) for the leader to approve: Markdown, or with
    -o 报告.docx the official document (GB/T 9704).

    Example: duchá report inspection DC-2026-003 -o 报告.md
    """
    from duchá.reports import queries as reports

    st = state(ctx)
    markdown = _markdown(ctx)
    docx = _document(ctx, doc_no)
    with st.ledger(write=False) as lg:
        data = reports.inspection(lg, number)
        office, today = _office(lg) if docx else "", lg.today
    if docx:
        from duchá.documents import inspection as document

        st.send_bytes(document.build(data, today=today, office=office, doc_no=doc_no))
        return
    if markdown:
        _write(ctx, reports.inspection_markdown(data, today, st.lang))
        return
    st.emit_record(data["record"], INSPECTION_COLS, title=data["record"]["topic"],
                   sections=[("members", TARGET_COLS, data["members"]),
                             ("targets", TARGET_COLS, data["targets"]),
                             ("items", COVERED_COLS, data["items"]),
                             ("findings", FINDING_COLS, data["findings"])])


# The documents an office hands on, as `duchá demo --files DIR` writes them for the sample.
OFFICE_FILES = ("督查周报.docx", "通报.docx", "督查情况报告.docx", "逾期.xlsx")


def office_files(lg: Ledger, inspection: str) -> dict[str, bytes]:
    """The week's report, the units' circular and an inspection's report as official
    documents, and the overdue list as a workbook with coloured lights, in Chinese: what
    `report weekly|units|inspection -o X.docx` and `report overdue -o X.xlsx --lang zh`
    write."""
    from duchá.documents import circular, weekly
    from duchá.documents import inspection as inspection_document
    from duchá.output import Lang
    from duchá.reports import queries as reports
    from duchá.services.units import shown_names
    from duchá.writers.workbook import workbook

    office, today = _office(lg), lg.today
    meta, week_rows = reports.weekly(lg, None)
    lang = Lang(zh=True, units=shown_names(lg))
    overdue = [lang.row(r, OVERDUE_COLS) for r in reports.overdue(lg)]
    return dict(zip(OFFICE_FILES, (
        weekly.build(meta, week_rows, today=today, office=office, doc_no=None),
        circular.build(reports.unit_scores(lg, None), year=today.year, today=today,
                       office=office, doc_no=None),
        inspection_document.build(reports.inspection(lg, inspection), today=today,
                                  office=office, doc_no=None),
        workbook([(lang.title("overdue") or "overdue", OVERDUE_COLS, overdue)], chinese=True),
    ), strict=True))
