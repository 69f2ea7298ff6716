"""`fremad export`: one youth's records for a period, as CSV or PDF, for the case file.

A progress bar goes to stderr (the file goes to --out, or stdout when no --out is given). The
export is written to the audit log as a read by the operator (actor unknown: the command line).
"""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path
from typing import TextIO

from bot.clock import SystemClock
from bot.config import ConfigError, Settings
from bot.database_setup import operator_database
from bot.i18n import create_i18n
from bot.runtime import create_runtime
from bot.services.figures import Period
from bot.services.motivation import library_of
from bot.services.people_directory import PeopleDirectory, YouthNotFound
from bot.services.report_sources import register_report_sources
from bot.telegram.case_file import build_export
from storage import crypto, migrate
from storage.repositories.audit import AuditRepository

BAR_WIDTH = 30


class ProgressBar:
    """``[#####.....] 50%`` on one line of stderr, redrawn in place."""

    def __init__(self, stream: TextIO, label: str) -> None:
        self.stream = stream
        self.label = label

    def __call__(self, done: int, total: int) -> None:
        filled = BAR_WIDTH * done // max(total, 1)
        percent = 100 * done // max(total, 1)
        bar = "#" * filled + "." * (BAR_WIDTH - filled)
        self.stream.write(f"\r{self.label} [{bar}] {percent:3d}%")
        if done >= total:
            self.stream.write("\n")
        self.stream.flush()


async def export_case_file(
    settings: Settings, youth_ref: str, first: date, last: date, fmt: str, out: Path | None
) -> int:
    """`youth_ref`: a Telegram id or a first name (any case; it must fit one young person)."""
    if last < first:
        raise ConfigError("--to is before --from: give the period's first day, then its last.")
    if settings.encryption_key is not None:
        crypto.configure(settings.encryption_key.get_secret_value())
    elif settings.is_sqlite:
        key_file = migrate.sqlite_folder(settings.database_url) / "fremad.key"
        if key_file.exists():
            crypto.configure(key_file.read_text(encoding="ascii").strip())
    async with operator_database(settings) as sessionmaker:
        clock = SystemClock()
        i18n = create_i18n(settings.locales_dir, settings.default_locale)
        runtime = create_runtime(settings, clock, i18n, sessionmaker)
        register_report_sources(runtime.report_sources, clock, library_of(runtime))
        async with sessionmaker() as session:
            try:
                youth = await PeopleDirectory(session, clock).find_youth(youth_ref)
            except YouthNotFound as exc:
                raise ConfigError(str(exc)) from exc
            locale = settings.default_locale
            with i18n.context(), i18n.use_locale(locale):
                name, content = await build_export(
                    session,
                    youth,
                    Period(first, last),
                    fmt,
                    locale=locale,
                    sources=runtime.report_sources,
                    catalogue=runtime.catalogue,
                    progress=ProgressBar(sys.stderr, f"Exporting {fmt.upper()}"),
                )
            await AuditRepository(session).add(
                "data.read",
                clock.now(),
                subject_id=youth.id,
                purpose="export_cli",
                first=first.isoformat(),
                last=last.isoformat(),
                format=fmt,
            )
            await session.commit()
    if out is None:
        sys.stdout.buffer.write(content)
        sys.stdout.buffer.flush()
    else:
        out.write_bytes(content)
        print(f"Wrote {out} ({len(content)} bytes).", file=sys.stderr)  # noqa: T201
    return 0
