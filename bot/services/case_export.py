"""Export for the case file: every record about one youth in a period, as CSV or as a PDF with
the chart and the summary text.

The rules, in plain words:
- The period is local dates from..to, both included; a record is in it when the day it is about
  is (a note or an alert: the local day it was written or raised).
- The same privacy rule as the summary: numbers, choices and flags; a youth's own words only
  from answers the youth chose to share. A mentor's notes are part of the case file.
- The PDF is one chart page, then the summary text and the records, 40 lines a page
  (matplotlib's PdfPages: no new dependency).
"""

from __future__ import annotations

import csv
import html
import io
import json
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.figures import Period, ReportSources, day_status, weekly_series
from bot.services.report_chart import ChartLabels, ChartRenderer
from storage.models import CheckinStatus, Person
from storage.repositories.reporting import MentorNotesRepository, ReportReadsRepository

if TYPE_CHECKING:
    from matplotlib.figure import Figure

CSV_COLUMNS = ("section", "date", "item", "value", "detail")
LINES_PER_PAGE = 40
LINE_CHARS = 95

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class ExportRow:
    section: str  # checkin, answer, shared_text, attendance, goal_step, rating, success, ...
    day: date
    item: str
    value: str
    detail: str = ""


def _no_progress(done: int, total: int) -> None:
    return None


async def gather_rows(
    session: AsyncSession,
    youth: Person,
    period: Period,
    sources: ReportSources,
    progress: Progress = _no_progress,
) -> list[ExportRow]:
    """All records of the period, in date order within each section."""
    reads = ReportReadsRepository(session)
    rows: list[ExportRow] = []
    steps = 5
    for day in await reads.checkin_days(youth.id, period.first, period.last):
        # Counted as every figure counts it (kept, missed, skipped, open, paused).
        status = day_status(day.status, day.local_date, period.last)
        unfinished = "unfinished" if day.status == CheckinStatus.PARTIAL.value else None
        rows.append(
            ExportRow(
                "checkin",
                day.local_date,
                "status",
                status.value,
                _pairs(mood=day.mood, energy=day.energy, note=unfinished),
            )
        )
    progress(1, steps)
    for answer in await reads.answers(youth.id, period.first, period.last):
        if answer.skipped:
            continue
        if answer.is_free_text:
            if answer.shared_with_mentor:
                rows.append(
                    ExportRow(
                        "shared_text", answer.local_date, answer.key, str(json.loads(answer.value))
                    )
                )
            continue
        rows.append(
            ExportRow(
                "answer",
                answer.local_date,
                answer.key,
                _plain(json.loads(answer.value)),
                answer.script_id,
            )
        )
    progress(2, steps)
    zone = ZoneInfo(youth.timezone)
    start = datetime.combine(period.first, datetime.min.time(), zone)
    end = datetime.combine(period.last + timedelta(days=1), datetime.min.time(), zone)
    for note in await MentorNotesRepository(session).for_youth(youth.id, start, end):
        rows.append(
            ExportRow("mentor_note", note.created_at.astimezone(zone).date(), "note", note.text)
        )
    for alert in await reads.alerts(youth.id, period.first, period.last):
        rows.append(
            ExportRow(
                "alert",
                alert.local_date,
                alert.kind,
                "acknowledged" if alert.acknowledged_at else "open",
                alert.detail,
            )
        )
    progress(3, steps)
    rows.extend(await _source_rows(session, youth, period, sources))
    if sources.method is not None:
        method_rows = await sources.method.export_rows(session, youth, period)
        rows.extend(ExportRow(*row) for row in method_rows)
    progress(4, steps)
    rows.sort(key=lambda row: (row.day, row.section))
    progress(5, steps)
    return rows


async def _source_rows(
    session: AsyncSession, youth: Person, period: Period, sources: ReportSources
) -> list[ExportRow]:
    """Attendance, goals, ratings and successes, week by week, from their features."""
    rows: list[ExportRow] = []
    monday = period.first - timedelta(days=period.first.weekday())
    while monday <= period.last:
        week = Period(max(monday, period.first), min(monday + timedelta(days=6), period.last))
        if sources.attendance is not None:
            facts = await sources.attendance.period(session, youth, week)
            if facts is not None and facts.expected:
                rows.append(
                    ExportRow(
                        "attendance",
                        week.first,
                        "week_rate",
                        f"{facts.rate or 0:.2f}",
                        _pairs(
                            expected=facts.expected,
                            attended=facts.attended,
                            late=facts.late,
                            absent=facts.absent,
                        ),
                    )
                )
                rows.extend(
                    ExportRow("absence", a.day, a.activity_kind, a.reason or "")
                    for a in facts.absences
                )
        if sources.goals is not None:
            steps = await sources.goals.steps(session, youth, week)
            if steps is not None:
                rows.extend(
                    ExportRow("goal_step_done", week.first, "step", text) for text in steps.done
                )
            for change in await sources.goals.rating_changes(session, youth, week):
                rows.append(
                    ExportRow(
                        "rating",
                        week.first,
                        change.subgoal,
                        str(change.after),
                        _pairs(rater=change.rater, before=change.before),
                    )
                )
            for success in await sources.goals.successes(session, youth, week):
                rows.append(
                    ExportRow(
                        "success", week.first, success.kind, success.text or _plain(success.value)
                    )
                )
        monday += timedelta(days=7)
    return rows


def to_csv(rows: Sequence[ExportRow]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_COLUMNS)
    for row in rows:
        writer.writerow([row.section, row.day.isoformat(), row.item, row.value, row.detail])
    return buffer.getvalue().encode("utf-8")


def text_pages(summary_text: str, rows: Sequence[ExportRow], heading: str) -> list[list[str]]:
    """The PDF's text, wrapped and cut into pages of LINES_PER_PAGE lines."""
    lines = [heading, ""] + _wrap_all(summary_text.splitlines()) + [""]
    lines += _wrap_all(
        f"{row.day.isoformat()}  {row.section}  {row.item}: {row.value}"
        + (f"  ({row.detail})" if row.detail else "")
        for row in rows
    )
    return [lines[i : i + LINES_PER_PAGE] for i in range(0, len(lines), LINES_PER_PAGE)] or [[]]


async def to_pdf(
    session: AsyncSession,
    youth: Person,
    period: Period,
    sources: ReportSources,
    rows: Sequence[ExportRow],
    summary_text: str,
    labels: ChartLabels,
    heading: str,
    progress: Progress = _no_progress,
) -> bytes:
    # matplotlib is loaded on the first PDF, not when the bot starts (~50 MB of RSS, measured).
    from matplotlib.backends.backend_pdf import PdfPages

    weeks = max(8, min(12, (period.last - period.first).days // 7 + 1))
    series = await weekly_series(session, youth, period.last, weeks, sources)
    figure = ChartRenderer().figure(series, labels)
    pages = text_pages(summary_text, rows, heading)
    buffer = io.BytesIO()
    with PdfPages(buffer, metadata={"Title": heading, "Creator": "Fremad"}) as pdf:
        pdf.savefig(figure)
        for number, page in enumerate(pages, start=1):
            pdf.savefig(_text_page(page))
            progress(number, len(pages))
    return buffer.getvalue()


def _text_page(lines: Sequence[str]) -> Figure:
    from matplotlib.figure import Figure

    figure = Figure(figsize=(8.27, 11.69))  # A4
    for index, line in enumerate(lines):
        figure.text(0.06, 0.95 - index * 0.022, line, fontsize=9, family="DejaVu Sans", va="top")
    return figure


def _wrap_all(lines: Iterable[str]) -> list[str]:
    out: list[str] = []
    for line in lines:
        text = _strip_html(line)
        while len(text) > LINE_CHARS:
            cut = text.rfind(" ", 0, LINE_CHARS)
            cut = cut if cut > 20 else LINE_CHARS
            out.append(text[:cut])
            text = "    " + text[cut:].lstrip()
        out.append(text)
    return out


# Emoji and pictographs have no glyph in the PDF's font: left out of the PDF text.
_PICTOGRAPHS = re.compile("[\u2600-\u27bf\u2b00-\u2bff\ufe0f\U0001f000-\U0001faff]")


def _strip_html(text: str) -> str:
    return _PICTOGRAPHS.sub("", html.unescape(re.sub(r"<[^>]+>", "", text))).strip()


def _plain(value: object) -> str:
    if isinstance(value, list):
        return ";".join(str(v) for v in value)
    return "" if value is None else str(value)


def _pairs(**values: object) -> str:
    return ";".join(f"{key}={value}" for key, value in values.items() if value is not None)
