"""One export for the case file, in the reader's language: used by the bot (a document message)
and by `fremad export`. Call inside the reader's locale."""

from __future__ import annotations

from datetime import timedelta

from aiogram.utils.i18n import gettext as _
from sqlalchemy.ext.asyncio import AsyncSession

from bot.dialogs import SubgoalCatalogue
from bot.services.case_export import Progress, gather_rows, to_csv, to_pdf
from bot.services.figures import Period, ReportSources, gather_week_facts
from bot.telegram.report_messages import chart_labels
from bot.telegram.summary_texts import youth_summary
from storage.models import Person


def _silent(done: int, total: int) -> None:
    return None


async def build_export(
    session: AsyncSession,
    youth: Person,
    period: Period,
    fmt: str,
    *,
    locale: str,
    sources: ReportSources,
    catalogue: SubgoalCatalogue,
    progress: Progress = _silent,
) -> tuple[str, bytes]:
    """(file name, content) of the export; ``fmt`` is "csv" or "pdf"."""
    rows = await gather_rows(session, youth, period, sources, progress)
    name = f"fremad-{youth.id}-{period.first.isoformat()}-{period.last.isoformat()}.{fmt}"
    if fmt == "csv":
        return name, to_csv(rows)
    last_week = Period(max(period.first, period.last - timedelta(days=6)), period.last)
    facts = await gather_week_facts(session, youth, last_week, sources)
    heading = _("Fremad case file: {name}, {first} to {last}").format(
        name=youth.first_name, first=period.first.isoformat(), last=period.last.isoformat()
    )
    content = await to_pdf(
        session,
        youth,
        period,
        sources,
        rows,
        youth_summary(facts, locale, catalogue),
        chart_labels(youth.first_name, catalogue, locale),
        heading,
        progress,
    )
    return name, content
