"""The mentor's desk, exports and the staff overview, through the production app."""

from __future__ import annotations

import csv
import io
import math
import re
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import select, text

from bot.services.case_export import LINES_PER_PAGE, text_pages
from storage.models import AuditEntry, MentorLink, MentorNote, Role, YouthSettings
from tests.harness import Harness
from tests.unit.reporting_support import (
    cph,
    mentor_and_youths,
    photos,
    record_days,
    record_text,
    tick_at,
)


def _pdf_pages(data: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page(?!s)", data))


async def test_status_note_pause_and_handover(harness: Harness) -> None:
    mentor, [(ada_user, ada)] = await mentor_and_youths(harness, ["Ada"])
    ole = harness.user(950, "Ole")
    await harness.onboard(ole, Role.MENTOR)
    await record_days(harness, ada.id, {date(2026, 11, 23): ("answered", 4)})
    harness.clock.set(cph(2026, 11, 23, 15, 0))
    await mentor.send_command("youths")
    assert "Ada" in mentor.last_text
    await mentor.click("Ada")
    assert "Check-ins: 1 af 1" in mentor.last_text
    # A note after the talk: stored encrypted, shown in the next summary.
    await mentor.click("📝 Note efter samtale")
    await mentor.send_text("Ada vil prøve 2 timer mere i praktikken")
    assert "Gemt" in mentor.last_text
    async with harness.app.sessionmaker() as session:
        [note] = (await session.execute(select(MentorNote))).scalars().all()
        raw = (await session.execute(text("SELECT text FROM mentor_notes"))).scalar_one()
    assert note.text.startswith("Ada vil") and "praktikken" not in raw
    await tick_at(harness, cph(2026, 11, 30, 8, 0))
    assert "Ada vil prøve 2 timer mere i praktikken" in mentor.last_text
    # Pause for 2 weeks: the youth is told kindly and the settings hold the dates.
    await mentor.send_command("youths")
    await mentor.click("Ada")
    await mentor.click("⏸ Pause")
    await mentor.click("2 uger")
    assert "pause til" in ada_user.last_text and "intet går tabt" in ada_user.last_text
    async with harness.app.sessionmaker() as session:
        settings = await session.get(YouthSettings, ada.id)
    assert settings is not None
    assert (settings.paused_from, settings.paused_until) == (
        date(2026, 11, 30),
        date(2026, 12, 13),
    )
    # Hand over to Ole: Ole gets the history, Ada is told who her new contact person is.
    await mentor.click("🔁 Overdrag")
    await mentor.click("Ole")
    assert "Ada" in ole.last_text and "Ada vil prøve 2 timer" in ole.last_text
    assert "er Ole din kontaktperson" in ada_user.last_text
    async with harness.app.sessionmaker() as session:
        links = (
            (
                await session.execute(
                    select(MentorLink).where(MentorLink.youth_id == ada.id).order_by(MentorLink.id)
                )
            )
            .scalars()
            .all()
        )
        audit = [
            e.action
            for e in (
                await session.execute(select(AuditEntry).where(AuditEntry.subject_id == ada.id))
            ).scalars()
        ]
    assert len(links) == 2 and links[0].ended_at is not None and links[1].ended_at is None
    assert "youth.handed_over" in audit and audit.count("data.read") >= 3
    # The old mentor can no longer read Ada's status; the new one can.
    await mentor.send_command("youths")
    assert "ingen unge" in mentor.last_text
    await ole.send_command("youths")
    await ole.click("Ada")
    assert "Check-ins" in ole.last_text


async def test_export_from_the_bot_and_the_cli_hold_exactly_the_period(
    harness: Harness, tmp_path: Path
) -> None:
    mentor, [(_ada_user, ada)] = await mentor_and_youths(harness, ["Ada"])
    days = {date(2026, 9, 1) + timedelta(days=n): ("answered", 1 + n % 5) for n in range(84)}
    await record_days(harness, ada.id, days)
    await record_text(harness, ada.id, date(2026, 11, 10), "delt tekst", shared=True)
    await record_text(harness, ada.id, date(2026, 11, 11), "privat tekst", shared=False)
    harness.clock.set(cph(2026, 11, 23, 12, 0))
    await mentor.send_command("youths")
    await mentor.click("Ada")
    await mentor.click("📄 Eksportér")
    await mentor.click("CSV (12 uger)")
    document = mentor.last_message
    assert document.kind == "document" and document.file is not None
    rows = list(csv.DictReader(io.StringIO(document.file.data.decode("utf-8"))))
    first = date(2026, 11, 23) - timedelta(weeks=12) + timedelta(days=1)
    checkin_dates = sorted(
        date.fromisoformat(r["date"]) for r in rows if r["section"] == "checkin"
    )
    assert checkin_dates == sorted(d for d in days if first <= d <= date(2026, 11, 23))
    assert [r["value"] for r in rows if r["section"] == "shared_text"] == ["delt tekst"]
    assert "privat tekst" not in document.file.data.decode("utf-8")

    await mentor.click("PDF (12 uger)")
    pdf = mentor.last_message.file
    assert pdf is not None and pdf.data.startswith(b"%PDF-") and b"%%EOF" in pdf.data[-64:]
    assert _pdf_pages(pdf.data) >= 3

    # The CLI: the same period rules, a progress bar on stderr, a PDF with the expected pages.
    env = {
        "DATABASE_URL": harness.settings.database_url,
        "ENCRYPTION_KEY": harness.settings.encryption_key.get_secret_value(),  # type: ignore[union-attr]
        "BOT_TOKEN": harness.settings.token(),
        "PATH": "/usr/bin:/bin",
    }
    fremad = str(Path(sys.executable).parent / "fremad")
    out_csv, out_pdf = tmp_path / "ada.csv", tmp_path / "ada.pdf"
    period = ["--youth", str(_ada_user.id), "--from", "2026-10-01", "--to", "2026-10-31"]
    done = subprocess.run(
        [fremad, "export", *period, "--format", "csv", "--out", str(out_csv)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert "100%" in done.stderr
    cli_rows = list(csv.DictReader(io.StringIO(out_csv.read_text(encoding="utf-8"))))
    october = [r for r in cli_rows if r["section"] == "checkin"]
    assert len(october) == 31
    assert all("2026-10-01" <= r["date"] <= "2026-10-31" for r in cli_rows)
    done = subprocess.run(
        [fremad, "export", *period, "--format", "pdf", "--out", str(out_pdf)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    data = out_pdf.read_bytes()
    # One chart page, then the text pages of 40 lines: heading (2), the summary (a few lines,
    # its length depends on the wording), a blank line, one line per record.
    assert data.startswith(b"%PDF-")
    expected = {
        1 + math.ceil((len(cli_rows) + 3 + summary) / LINES_PER_PAGE) for summary in range(3, 16)
    }
    assert _pdf_pages(data) in expected
    assert len(text_pages("a\nb", [], "x")) == 1


async def test_staff_cohort_overview_and_csv(harness: Harness) -> None:
    mentor, youths = await mentor_and_youths(harness, ["Ada", "Bo"])
    staff = harness.user(800, "Sam")
    await harness.onboard(staff, Role.STAFF)
    ada, bo = youths[0][1], youths[1][1]
    await record_days(
        harness,
        ada.id,
        {date(2026, 11, 17): ("answered", 3), date(2026, 11, 18): ("missed", None)},
    )
    await record_days(
        harness, bo.id, {date(2026, 11, 17): ("answered", 4), date(2026, 11, 18): ("answered", 4)}
    )
    await mentor.send_command("cohort")
    assert "personale" in mentor.last_text
    await staff.send_command("cohort")
    assert "Mette: 2 aktive · check-ins 75 %" in staff.last_text
    await staff.click("⬇️ Som CSV")
    rows = list(csv.DictReader(io.StringIO(staff.last_message.file.data.decode())))  # type: ignore[union-attr]
    assert [
        (r["mentor"], r["youths_active"], r["checkins_kept"], r["checkins_asked"]) for r in rows
    ] == [("Mette", "2", "3", "4"), ("ALL", "2", "3", "4")]
    assert photos(staff.messages) == []
