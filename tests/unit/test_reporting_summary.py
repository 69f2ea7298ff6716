"""The weekly summary through the production app: timing, figures, privacy, chart, digest."""

from __future__ import annotations

import struct
from datetime import date, timedelta

from sqlalchemy import select

from bot.services.weekly_summary import summary_moments
from storage.models import AuditEntry, SentSummary
from tests.harness import Harness
from tests.unit.reporting_support import (
    PNG_SIGNATURE,
    cph,
    mentor_and_youths,
    photos,
    record_attendance,
    record_days,
    record_text,
    texts,
    tick_at,
)

# The week before Monday 23 November 2026: Monday 16 .. Sunday 22.
WEEK = [date(2026, 11, 16) + timedelta(days=n) for n in range(7)]


async def _ada_week(h: Harness, youth_id: int) -> None:
    await record_days(
        h,
        youth_id,
        {
            # the week before: moods 2 and 2 → average 2.0
            date(2026, 11, 10): ("answered", 2),
            date(2026, 11, 11): ("answered", 2),
            WEEK[0]: ("answered", 3),
            WEEK[1]: ("answered", 4),
            WEEK[2]: ("skipped", None),
            WEEK[3]: ("missed", None),
            WEEK[4]: ("answered", 5),
        },
    )
    await record_text(h, youth_id, WEEK[1], "Jeg var til samtale hos bageren", shared=True)
    await record_text(h, youth_id, WEEK[4], "hemmelig tekst om min familie", shared=False)
    await record_attendance(
        h,
        youth_id,
        cph(2026, 11, 1),
        {
            WEEK[0]: ("attended", None),
            WEEK[1]: ("late", None),
            WEEK[2]: ("absent", "ill"),
            WEEK[3]: ("attended", None),
        },
    )


async def test_summary_arrives_once_at_chosen_time_with_recorded_figures(
    harness: Harness,
) -> None:
    mentor, [(_ada, ada)] = await mentor_and_youths(harness, ["Ada"])
    await _ada_week(harness, ada.id)
    before = len(mentor.messages)
    await tick_at(harness, cph(2026, 11, 23, 7, 59))
    assert len(mentor.messages) == before
    await tick_at(harness, cph(2026, 11, 23, 8, 0))
    new = mentor.messages[before:]
    [photo] = photos(new)
    assert photo.file is not None and photo.file.data.startswith(PNG_SIGNATURE)
    width, height = struct.unpack(">II", photo.file.data[16:24])
    assert 600 <= width <= 1200 and 400 <= height <= 1400
    assert "Ada" in photo.text
    summary = "\n".join(texts(new))
    # Every figure equals what was recorded: 3 kept of 5 asked, 1 skipped, 1 missed;
    # moods 3, 4, 5 → average 4,0; the week before 2,0 → rising.
    assert "Check-ins: 3 af 5 (1 sprunget over, 1 misset)" in summary
    assert "gns. 4,0" in summary and "ugen før 2,0 ↑" in summary
    # Shared text shown, unshared text never.
    assert "Jeg var til samtale hos bageren" in summary
    # Attendance as recorded: 3 of 4 showed up (1 late), absent Wednesday, ill.
    assert "Fremmøde: 75 % (3 af 4, 1 for sent) · fravær: ons. syg" in summary
    assert "hemmelig" not in summary
    assert "Prøv at åbne med" in summary
    assert all(len(m.text) <= 4096 for m in new)
    # Exactly once: later ticks the same week send nothing more.
    for moment in (cph(2026, 11, 23, 8, 1), cph(2026, 11, 23, 12, 0), cph(2026, 11, 27, 8, 0)):
        await tick_at(harness, moment)
    assert len(mentor.messages) == len(new) + before
    # Next Monday: the next one.
    await tick_at(harness, cph(2026, 11, 30, 8, 0))
    assert len(photos(mentor.messages[before:])) == 2
    async with harness.app.sessionmaker() as session:
        stored = (await session.execute(select(SentSummary))).scalars().all()
        reads = (
            (
                await session.execute(
                    select(AuditEntry).where(
                        AuditEntry.action == "data.read", AuditEntry.subject_id == ada.id
                    )
                )
            )
            .scalars()
            .all()
        )
    assert sorted(row.week for row in stored) == ["2026-W48", "2026-W49"]
    assert len(reads) >= 2 and all('"weekly_summary"' in r.detail for r in reads[:2])


async def test_youth_reads_exactly_what_the_summary_said(harness: Harness) -> None:
    mentor, [(ada_user, ada)] = await mentor_and_youths(harness, ["Ada"])
    await _ada_week(harness, ada.id)
    await ada_user.send_command("mysummary")
    assert "ikke haft en ugentlig opsummering" in ada_user.last_text
    await tick_at(harness, cph(2026, 11, 23, 8, 0))
    sent = [m.text for m in mentor.messages if m.kind == "text"][-1]
    await ada_user.send_command("mysummary")
    assert ada_user.last_text.endswith(sent)


async def test_mentor_chooses_day_and_time(harness: Harness) -> None:
    mentor, [(_ada, ada)] = await mentor_and_youths(harness, ["Ada"])
    await mentor.send_command("summaryday")
    await mentor.click("Onsdag")
    await mentor.click("15:00")
    assert "hver onsdag kl. 15:00" in mentor.last_text
    before = len(mentor.messages)
    await tick_at(harness, cph(2026, 11, 23, 8, 0))
    assert photos(mentor.messages[before:]) == []
    await tick_at(harness, cph(2026, 11, 25, 15, 0))
    assert len(photos(mentor.messages[before:])) == 1


def test_summary_moments_keep_local_time_across_dst() -> None:
    # Monday 08:00 Copenhagen: 07:00 UTC in winter, 06:00 UTC in summer; one per week.
    since, until = cph(2026, 3, 16, 0, 0), cph(2026, 4, 7, 0, 0)
    moments = summary_moments(1, "08:00", "Europe/Copenhagen", since, until)
    assert [key for key, _ in moments] == ["2026-W12", "2026-W13", "2026-W14", "2026-W15"]
    assert [m.astimezone(cph(2026, 1, 1).tzinfo).hour for _, m in moments] == [8, 8, 8, 8]
    assert [m.hour for _, m in moments] == [7, 7, 6, 6]
    # Sunday 02:30 on the spring-forward day does not exist: it comes at 03:00, once.
    spring = summary_moments(7, "02:30", "Europe/Copenhagen", cph(2026, 3, 28), cph(2026, 3, 30))
    assert len(spring) == 1 and spring[0][1].astimezone(cph(2026, 1, 1).tzinfo).hour == 3
    # Sunday 02:30 on the fall-back day happens twice: it comes once.
    autumn = summary_moments(7, "02:30", "Europe/Copenhagen", cph(2026, 10, 24), cph(2026, 10, 26))
    assert len(autumn) == 1


async def test_summary_fires_once_across_the_autumn_dst_week(harness: Harness) -> None:
    mentor, [(_ada, _person)] = await mentor_and_youths(harness, ["Ada"])
    before = len(mentor.messages)
    # Tick every 30 minutes from Sunday 25 October (clocks go back) to Monday 26 October noon.
    moment = cph(2026, 10, 25, 0, 0)
    harness.clock.set(moment)
    harness.app.scheduling.tick_context.state.planned_until = None
    while moment <= cph(2026, 10, 26, 12, 0):
        await tick_at(harness, moment)
        moment += timedelta(minutes=30)
    new = mentor.messages[before:]
    assert len(photos(new)) == 1


async def test_forty_youths_get_a_digest_within_limits(harness: Harness) -> None:
    names = [f"Ung{n:02d}" for n in range(40)]
    mentor, youths = await mentor_and_youths(harness, names)
    for _user, person in youths[:5]:
        await record_days(harness, person.id, {WEEK[0]: ("answered", 4)})
    before = len(mentor.messages)
    await tick_at(harness, cph(2026, 11, 23, 8, 0))
    new = mentor.messages[before:]
    assert photos(new) == []
    assert 2 <= len(new) <= 4
    assert all(len(m.text) <= 4096 for m in new)
    labels = [b.text for m in new for b in m.buttons()]
    assert sorted(labels) == sorted(names)
    assert all(len(m.buttons()) <= 100 for m in new)
    # A tap opens that youth's stored summary with its chart.
    await mentor.click("Ung03", in_message=new[0])
    assert photos(mentor.messages[-3:]) and "Ung03" in mentor.last_text
    assert "Check-ins: 1 af 1" in mentor.last_text
