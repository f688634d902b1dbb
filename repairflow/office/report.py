"""The monthly report to the leading group (seed 002 §六(十二)): the month's statistics
(office/statistics.py, the same figures the API gives for that month), the on-time rate of each
department as a chart, and every late deadline with its case, department and working days late.
As a workbook (XLSX, one sheet each, the chart a native one) and as a PDF set in the embedded font.
`manage.py monthly_report 2026-11`, `/api/v1/office/reports/2026-11.xlsx|.pdf`, the desk's links."""

import calendar
from dataclasses import dataclass
from datetime import date
from io import BytesIO
from typing import Any
from xml.sax.saxutils import escape

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference
from reportlab.graphics.charts.barcharts import HorizontalBarChart
from reportlab.graphics.shapes import Drawing
from reportlab.lib.colors import HexColor
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from repairflow.calendar.selectors import work_calendar
from repairflow.calendar.workdays import working_days_between
from repairflow.core.errors import Invalid
from repairflow.core.pdf import BODY, CELL, FONT, TITLE, dated
from repairflow.core.spreadsheets import formula_safe_row
from repairflow.deadlines.models import DeadlineStatus
from repairflow.deadlines.policy import Party, Step, office_name
from repairflow.office.statistics import figures_named, judged_clocks, statistics

MONTH_UNREADABLE = gettext_lazy("Give the month as YYYY-MM, e.g. 2026-11.")


@dataclass(frozen=True)
class LateDeadline:
    case: str
    step: str
    owner: str
    due_on: date
    done_on: date | None  # None: still not done
    working_days_late: int


def month_of(text: str) -> tuple[date, date]:
    """The first and last day of the month `YYYY-MM` (400 when it is not one)."""
    try:
        year, month = (int(part) for part in text.split("-"))
        first = date(year, month, 1)
    except ValueError:
        raise Invalid({"month": [MONTH_UNREADABLE]}) from None
    return first, first.replace(day=calendar.monthrange(year, month)[1])


def late_deadlines(start: date, end: date, today: date) -> list[LateDeadline]:
    """Every deadline missed in the period (done late, or still not done after its last day in the
    period), the latest first, with how many working days late it was (or is, as of `today`)."""
    clocks = (
        judged_clocks(start, end, today)
        .exclude(status=DeadlineStatus.MET)
        .select_related("department")
        .prefetch_related("case")
        .order_by("due_on", "id")
    )
    work, owners, steps = work_calendar(), dict(Party.choices), dict(Step.choices)
    late = [
        LateDeadline(
            case=str(deadline.case),
            step=str(steps.get(deadline.step, deadline.step)),
            owner=deadline.department.name if deadline.department else str(owners[deadline.owner]),
            due_on=deadline.due_on,
            done_on=deadline.ended_on,
            working_days_late=working_days_between(work, deadline.due_on, deadline.ended_on or today).count,
        )
        for deadline in clocks
    ]
    return sorted(late, key=lambda entry: (-entry.working_days_late, entry.due_on, entry.case))


@dataclass(frozen=True)
class MonthlyReport:
    month: str
    figures: dict[str, Any]
    late: list[LateDeadline]


def monthly_report(month: str, *, today: date) -> MonthlyReport:
    start, end = month_of(month)
    return MonthlyReport(month, statistics(start, end, today=today), late_deadlines(start, end, today))


def _summary_rows(report: MonthlyReport) -> list[tuple[str, Any]]:
    figures = report.figures
    publication = figures["publication"]
    named = figures_named(figures)
    return [
        (_("Objections received"), figures["received"]["objection"]),
        (_("Repair applications received"), figures["received"]["repair"]),
        (_("Objections closed"), figures["closed"]["objection"]),
        (_("Repair applications closed"), figures["closed"]["repair"]),
        *((_("Objection outcome: %(code)s") % {"code": outcome}, n) for outcome, n in named["outcomes"]),
        *((_("Repairs under %(rule)s") % {"rule": rule_set}, n) for rule_set, n in named["repairs_by_rule"]),
        (_("New licences and penalties to publish"), publication["new_records"]),
        (_("Published on time"), publication["on_time"]),
        (_("Published late or not yet"), publication["late"]),
        (_("Credit checks"), sum(row["count"] for row in figures["credit_checks"])),
        (_("Deadlines missed"), len(report.late)),
    ]


def _department_rows(report: MonthlyReport) -> list[list[Any]]:
    return [
        [
            row["name"],
            row["on_time"],
            row["late"],
            None if row["on_time_rate"] is None else round(row["on_time_rate"], 4),
            row["median_working_days"],
            row["p90_working_days"],
        ]
        for row in report.figures["departments"]
    ]


def _department_header() -> list[str]:
    return [_("Department"), _("On time"), _("Late"), _("On-time rate"), _("Median working days"), _("90th percentile")]


def _late_header() -> list[str]:
    return [_("Case or record"), _("Step"), _("Owner"), _("Last day"), _("Done on"), _("Working days late")]


def _late_row(entry: LateDeadline) -> list[Any]:
    done = entry.done_on.isoformat() if entry.done_on else _("not yet")
    return [entry.case, entry.step, entry.owner, entry.due_on.isoformat(), done, entry.working_days_late]


def _title(report: MonthlyReport) -> str:
    return _("Credit objections and repair: monthly report for %(month)s") % {"month": report.month}


def report_xlsx(report: MonthlyReport) -> bytes:
    """The report as a workbook in the site's language: the summary, the departments with their
    chart, every step, and the late deadlines; every text cell formula-safe."""
    with translation.override(settings.LANGUAGE_CODE):
        book = Workbook()
        summary = book.active
        summary.title = _("Summary")
        summary.append(formula_safe_row([_title(report)]))
        summary.append(formula_safe_row([office_name()]))
        for row in _summary_rows(report):
            summary.append(formula_safe_row(row))
        departments = book.create_sheet(_("Departments"))
        departments.append(_department_header())
        for row in _department_rows(report):
            departments.append(formula_safe_row(row))
        if report.figures["departments"]:
            chart = BarChart()
            chart.type, chart.title, chart.y_axis.title = "bar", _("On-time rate by department"), _("On-time rate")
            rows = len(report.figures["departments"]) + 1
            chart.add_data(Reference(departments, min_col=4, min_row=1, max_row=rows), titles_from_data=True)
            chart.set_categories(Reference(departments, min_col=1, min_row=2, max_row=rows))
            departments.add_chart(chart, "H2")
        steps = book.create_sheet(_("Steps"))
        steps.append([_("Step"), _("On time"), _("Late"), _("Median working days"), _("90th percentile")])
        for row in report.figures["steps"]:
            steps.append(
                formula_safe_row(
                    [row["label"], row["on_time"], row["late"], row["median_working_days"], row["p90_working_days"]]
                )
            )
        late = book.create_sheet(_("Late deadlines"))
        late.append(_late_header())
        for entry in report.late:
            late.append(formula_safe_row(_late_row(entry)))
        buffer = BytesIO()
        book.save(buffer)
        return buffer.getvalue()


def _table(rows: list[list[Any]], widths: list[float]) -> Table:
    cells = [[Paragraph(escape(str("—" if value is None else value)), CELL) for value in row] for row in rows]
    table = Table(cells, colWidths=widths, repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), FONT),
                ("GRID", (0, 0), (-1, -1), 0.5, "#888888"),
                ("BACKGROUND", (0, 0), (-1, 0), "#eeeeee"),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    return table


def _chart(report: MonthlyReport) -> Drawing:
    rows = [row for row in report.figures["departments"] if row["on_time_rate"] is not None]
    drawing = Drawing(160 * mm, max(len(rows), 1) * 9 * mm + 12 * mm)
    drawing.initialFontName = FONT  # the renderer's first font, else Times-Roman, not embedded
    chart = HorizontalBarChart()
    chart.x, chart.y = 45 * mm, 8 * mm
    chart.width, chart.height = 105 * mm, max(len(rows), 1) * 9 * mm
    chart.data = [[round(row["on_time_rate"] * 100) for row in rows] or [0]]
    chart.categoryAxis.categoryNames = [row["name"] for row in rows] or ["—"]
    chart.categoryAxis.labels.fontName = chart.valueAxis.labels.fontName = FONT
    chart.valueAxis.valueMin, chart.valueAxis.valueMax, chart.valueAxis.valueStep = 0, 100, 25
    chart.bars[0].fillColor = HexColor("#1f2a37")
    drawing.add(chart)
    return drawing


def report_pdf(report: MonthlyReport, *, issued_on: date) -> bytes:
    """The report as an A4 PDF in the site's language, in the embedded font."""
    with translation.override(settings.LANGUAGE_CODE):
        buffer = BytesIO()
        document = SimpleDocTemplate(
            buffer,
            pagesize=A4,
            leftMargin=18 * mm,
            rightMargin=18 * mm,
            topMargin=18 * mm,
            bottomMargin=18 * mm,
            title=_title(report),
            author=office_name(),
            creator="repairflow",
            invariant=True,
            initialFontName=FONT,
        )
        story = [
            Paragraph(escape(_title(report)), TITLE),
            Paragraph(escape(office_name()), BODY),
            Spacer(0, 4 * mm),
            _table(
                [[_("Figure"), _("Count")], *[[label, n] for label, n in _summary_rows(report)]], [120 * mm, 40 * mm]
            ),
            Spacer(0, 6 * mm),
            Paragraph(_("On-time rate by department"), BODY),
            _chart(report),
            _table(
                [_department_header(), *_department_rows(report)],
                [45 * mm, 18 * mm, 18 * mm, 22 * mm, 28 * mm, 28 * mm],
            ),
            Spacer(0, 6 * mm),
            Paragraph(_("Late deadlines"), BODY),
            _table(
                [_late_header(), *(_late_row(entry) for entry in report.late)],
                [32 * mm, 38 * mm, 30 * mm, 22 * mm, 22 * mm, 20 * mm],
            ),
        ]
        document.build(story, onFirstPage=lambda canvas, _doc: dated(canvas, issued_on))
        return buffer.getvalue()
