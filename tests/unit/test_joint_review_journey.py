"""Twelve weeks of the method through the production dispatcher and an injected clock: two joint
reviews (side by side, star chart, agreed focus), demands set by the mentor — raised after a
success, held after "too much", measured by attendance — and the distance travelled in the
summary, the export and the cohort view (checked against a recomputation from the rows)."""

from __future__ import annotations

import csv
import io
from datetime import date

from sqlalchemy import select

from bot.local_telegram import FakeUser
from bot.local_telegram.objects import BotMessage
from storage.models import Activity, AttendanceRecord, Demand, JointRating, JointReview, Role
from tests.harness import Harness
from tests.unit.reporting_support import (
    PNG_SIGNATURE,
    cph,
    mentor_and_youths,
    photos,
    record_attendance,
    texts,
    tick_at,
)

ADA_FIRST = [4, 3, 4, 3, 2, 4, 5, 3, 4, 5]
ADA_SECOND = [6, 4, 7, 4, 5, 4, 6, 3, 5, 6]
METTE_FIRST = [5, 4, 4, 4, 3, 4, 5, 4, 5, 6]
METTE_SECOND = [6, 5, 6, 5, 5, 4, 6, 4, 5, 6]
BO_BOTH = [5, 5, 5, 5, 5, 5, 5, 5, 5, 5]


def last_with(user: FakeUser, needle: str, *, buttons: bool = True) -> BotMessage:
    for message in reversed(user.messages):
        if needle in message.text and (message.buttons() or not buttons) and not message.deleted:
            return message
    raise AssertionError(f"no message with {needle!r} for {user!r}")


async def rate_all(user: FakeUser, needle: str, values: list[int]) -> None:
    for value in values:
        await user.click(str(value), in_message=last_with(user, needle))


async def joint_review(
    mentor: FakeUser,
    youth: FakeUser,
    name: str,
    youth_values: list[int],
    mentor_values: list[int],
    focus: list[str],
    weeks: int,
) -> None:
    await mentor.click(
        "🧭 Start den fælles status", in_message=last_with(mentor, f"status med {name}")
    )
    await rate_all(youth, "Hvor er du lige nu?", youth_values)
    assert "Når Mette også er færdig" in youth.last_text
    await rate_all(mentor, f"Hvor ser du {name} lige nu?", mentor_values)
    for subgoal in focus:
        await mentor.click(f"▫ {subgoal}", in_message=last_with(mentor, f"Aftal fokus med {name}"))
    await mentor.click("Næste →", in_message=last_with(mentor, f"Aftal fokus med {name}"))
    await mentor.click(f"{weeks} uger", in_message=last_with(mentor, "næste fælles status"))


async def attended(h: Harness, youth_id: int, days: list[date]) -> None:
    async with h.app.sessionmaker() as session:
        activity = (
            await session.execute(select(Activity).where(Activity.youth_id == youth_id))
        ).scalar_one()
        for day in days:
            session.add(
                AttendanceRecord(
                    activity_id=activity.id,
                    youth_id=youth_id,
                    local_date=day,
                    status="attended",
                    source="followup",
                    recorded_at=h.clock.now(),
                )
            )
        await session.commit()


async def demands_of(h: Harness, youth_id: int, subgoal: str) -> list[tuple[int, str]]:
    async with h.app.sessionmaker() as session:
        rows = await session.execute(
            select(Demand)
            .where(Demand.youth_id == youth_id, Demand.subgoal == subgoal)
            .order_by(Demand.id)
        )
        return [(d.level, d.status) for d in rows.scalars()]


async def recomputed_share(h: Harness) -> tuple[int, int]:
    """Independently of the service: per youth, first vs latest closed review, own ratings."""
    async with h.app.sessionmaker() as session:
        reviews = (await session.execute(select(JointReview))).scalars().all()
        ratings = (await session.execute(select(JointRating))).scalars().all()
    moved = compared = 0
    for youth_id in sorted({r.youth_id for r in reviews}):
        own = sorted(
            (r for r in reviews if r.youth_id == youth_id and r.closed_at),
            key=lambda r: r.closed_at,
        )
        if len(own) < 2:
            continue
        compared += 1
        first = {
            x.subgoal: x.value for x in ratings if x.review_id == own[0].id and x.rater == "youth"
        }
        last = {
            x.subgoal: x.value for x in ratings if x.review_id == own[-1].id and x.rater == "youth"
        }
        moved += any(last[s] > first[s] for s in last if s in first)
    return moved, compared


async def test_twelve_weeks_two_joint_reviews_demands_and_distance(harness: Harness) -> None:
    h = harness
    mette, [(ada, ada_p), (bo, bo_p)] = await mentor_and_youths(h, ["Ada", "Bo"])
    staff = h.user(800, "Sam")
    await h.onboard(staff, Role.STAFF)
    # Ada's attendance plan: internship Monday to Thursday (4 planned days a week).
    await record_attendance(h, ada_p.id, cph(2026, 11, 23), {})

    # Week 4: the first joint review is due (4 weeks after the mentor link) — a reminder.
    await tick_at(h, cph(2026, 12, 21, 8, 59))
    assert not any("Tid til en fælles status" in t for t in texts(mette.messages))
    await tick_at(h, cph(2026, 12, 21, 9, 0))
    assert "Tid til en fælles status med Ada" in last_with(mette, "status med Ada").text
    await joint_review(
        mette,
        ada,
        "Ada",
        ADA_FIRST,
        METTE_FIRST,
        ["Ansvar og mødestabilitet", "Afklaring om job og uddannelse"],
        6,
    )
    # Both got the side-by-side view with the star chart (no last review yet): Ada reads the
    # sub-goals in her words, Mette the programme's names.
    for user, line in ((ada, "At tro på mig selv: 4 / 5"), (mette, "Tro på egne evner: 4 / 5")):
        [chart] = [p for p in photos(user.messages) if "Fælles status · Ada" in p.text]
        assert chart.file is not None and chart.file.data.startswith(PNG_SIGNATURE)
        assert line in chart.text and "sidst" not in chart.text
    agreed = last_with(ada, "aftalt dit fokus", buttons=False).text
    assert "„At møde op og holde aftaler“ og „At finde ud af, hvad jeg vil“" in agreed
    await joint_review(mette, bo, "Bo", BO_BOTH, BO_BOTH, ["Fagligt fællesskab"], 6)

    # The mentor's demands for Ada's focus: attendance on her own ladder (1..4 of 4 days).
    offer = last_with(mette, "Mød op 1 dag til dine aktiviteter")
    assert "et første skridt" in offer.text
    await mette.click("↑ Større", in_message=offer)
    await mette.click("✅ Sæt det", in_message=last_with(mette, "Mød op 2 dage"))
    assert "Dit fremmøde tæller af sig selv" in last_with(ada, "Mød op 2 dage").text
    await mette.click("✅ Sæt det", in_message=last_with(mette, "Skriv tre jobs"))
    # Ada says the clarity demand is too much: Mette is told in the same update and holds it.
    told = len(mette.messages)
    await ada.click("✋ For meget", in_message=last_with(ada, "Skriv tre jobs"))
    assert "tror stadig på" in ada.last_text
    held = mette.messages[told:]
    assert len(held) == 1 and "siger, at „Skriv tre jobs" in held[0].text
    assert "samme trin igen" in held[0].text
    await mette.click("✅ Sæt det", in_message=held[0])
    assert await demands_of(h, ada_p.id, "clarity") == [(1, "too_much"), (1, "open")]

    # Week 5: Ada shows up 3 days (demand: 2) — met by attendance, no tap needed.
    await attended(h, ada_p.id, [date(2026, 12, 21), date(2026, 12, 22), date(2026, 12, 23)])
    await tick_at(h, cph(2026, 12, 27, 18, 0))
    assert "Du mødte op 3 dage denne uge" in last_with(ada, "Du mødte op", buttons=False).text
    success = last_with(mette, "klarede kravet „Mød op 2 dage")
    assert "ét trin op — efter en succes" in success.text and "Mød op 3 dage" in success.text
    await mette.click("✅ Sæt det", in_message=success)
    # The held clarity demand is followed up like a goal step: Ada did it → raised.
    await ada.click(
        "✅ Det klarede jeg", in_message=last_with(ada, "Hvordan gik det med „Skriv tre")
    )
    raised = last_with(mette, "Ada klarede kravet „Skriv tre jobs")
    assert "ét trin op" in raised.text and "Læs om én af dem" in raised.text
    await mette.click("✅ Sæt det", in_message=raised)

    # Week 6: two days of three: missed once → the same rung again (held, not dropped).
    await attended(h, ada_p.id, [date(2026, 12, 28), date(2026, 12, 29)])
    await tick_at(h, cph(2027, 1, 2, 18, 0))  # set Sunday 27 Dec: runs to Saturday
    missed = last_with(mette, "nåede ikke „Mød op 3 dage")
    assert "samme trin igen" in missed.text and "(2 dage mødt op)" in missed.text
    assert await demands_of(h, ada_p.id, "responsibility") == [(2, "done"), (3, "missed")]

    # Week 10: the second joint review, six weeks after the first.
    await tick_at(h, cph(2027, 2, 1, 8, 59))
    await tick_at(h, cph(2027, 2, 1, 9, 0))
    await joint_review(
        mette, ada, "Ada", ADA_SECOND, METTE_SECOND, ["Faglige kompetencer og erfaring"], 8
    )
    [_first, second] = [p for p in photos(mette.messages) if "Fælles status · Ada" in p.text]
    assert second.file is not None and second.file.data.startswith(PNG_SIGNATURE)
    assert second.file.data != _first.file.data  # now vs last time: a different picture
    assert "Tro på egne evner: 6 (sidst 4) / 6 (sidst 5)" in second.text
    assert "Ansvar og mødestabilitet: 7 (sidst 4) / 6 (sidst 4)" in second.text
    await joint_review(mette, bo, "Bo", BO_BOTH, BO_BOTH, ["Fagligt fællesskab"], 8)

    # Week 11: the summary shows the distance travelled.
    await tick_at(h, cph(2027, 2, 8, 7, 59))
    await tick_at(h, cph(2027, 2, 8, 8, 0))
    summary = next(t for t in reversed(texts(mette.messages)) if t.startswith("Ada ·"))
    assert "🧭 Siden første fælles status: Tro på egne evner 4→6" in summary
    assert "Ansvar og mødestabilitet 4→7" in summary

    # The export for the case file has the same distance, per sub-goal.
    await mette.send_command("youths")
    await mette.click("Ada")
    await mette.click("📄 Eksportér")
    await mette.click("CSV (12 uger)")
    document = mette.last_message
    assert document.file is not None
    rows = list(csv.reader(io.StringIO(document.file.data.decode("utf-8"))))
    distance = {r[2]: r[3] for r in rows if r[0] == "distance"}
    assert distance["self_belief"] == "4->6" and distance["responsibility"] == "4->7"
    assert sum(r[0] == "joint_review" for r in rows) == 20  # 10 sub-goals × 2 reviews

    # The cohort view: Ada moved up, Bo did not — 1 of 2, as a recomputation from the rows.
    assert await recomputed_share(h) == (1, 2)
    await staff.send_command("cohort")
    assert "🧭 rykket op siden første status: 1 af 2" in staff.last_text
