"""The weekly self-rating as a scheduled delivery, the mentor's rating and belief, /subgoals,
and what each side is shown — through the production dispatcher and the scheduler."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import select

from bot.local_telegram import FakeUser
from bot.scheduling.tick import run_tick
from storage.models import MentorBelief, Role, SubgoalRating, Success
from tests.conftest import CPH
from tests.harness import Harness

FRIDAY_0900 = datetime(2026, 11, 27, 9, 0, tzinfo=CPH)


async def _tick(h: Harness) -> None:
    await run_tick(h.app.scheduling.tick_context, h.clock.now())


async def _pair(h: Harness) -> tuple[FakeUser, FakeUser]:
    mette = h.user(500, "Mette")
    await h.onboard(mette, Role.MENTOR)
    ada = h.user(501, "Ada")
    await h.onboard(ada, Role.YOUTH, mentor=500)
    return mette, ada


async def _ratings(h: Harness) -> list[tuple[str, str, int, date]]:
    async with h.app.sessionmaker() as session:
        rows = await session.execute(select(SubgoalRating).order_by(SubgoalRating.id))
        return [(r.subgoal, r.source, r.value, r.local_date) for r in rows.scalars()]


async def test_weekly_self_rating_waits_for_the_checkin_then_is_stored(harness: Harness) -> None:
    _mette, ada = await _pair(harness)
    harness.clock.set(FRIDAY_0900)
    await _tick(harness)
    # The check-in came at 09:00; the self-rating does not interrupt it.
    assert "Klar til dagens check-in" in "\n".join(m.text or "" for m in ada.messages[-2:])
    await ada.click("4")
    await ada.click("3")
    await ada.click(ada.buttons()[0])
    await ada.click("Spring over")
    harness.clock.advance(timedelta(minutes=20))
    await _tick(harness)
    assert "Ugens selvvurdering" in "\n".join(m.text or "" for m in ada.messages[-3:])
    # Weekly, at most three sub-goals (the full set belongs to the review with the mentor):
    # with no goals yet, the three rated longest ago (never), in catalogue order.
    values = [3, 5, 6]
    for value in values:
        assert ada.buttons()[:10] == [str(n) for n in range(1, 11)]
        await ada.click(str(value))
    await ada.send_text("Jeg ringede selv til jobcentret")
    await ada.click("Ja, det må de")
    assert "Tak! Det kræver mod" in ada.last_text
    stored = await _ratings(harness)
    assert len(stored) == 3 and {r[1] for r in stored} == {"self"}
    assert [r[0] for r in stored] == ["self_belief", "community", "responsibility"]
    assert ("self_belief", "self", 3, date(2026, 11, 27)) in stored
    async with harness.app.sessionmaker() as session:
        own = (await session.execute(select(Success))).scalars().all()
    assert [(s.kind, s.text, s.shared_with_mentor) for s in own] == [
        ("own", "Jeg ringede selv til jobcentret", True)
    ]
    # Same week, later: no second self-rating.
    harness.clock.advance(timedelta(hours=3))
    await _tick(harness)
    async with harness.app.sessionmaker() as session:
        assert len((await session.execute(select(SubgoalRating))).scalars().all()) == 3

    await ada.send_command("progress")
    assert "Egen vurdering: 3" in ada.last_text


async def test_mentor_rates_a_sub_goal_and_records_belief(harness: Harness) -> None:
    mette, ada = await _pair(harness)
    await ada.send_command("rating")
    for _ in range(3):
        await ada.click("5")
    await ada.click("Spring over")
    await mette.send_command("rate")
    await mette.click("Ada")
    await mette.click("Tro på egne evner")
    assert "Hvor ser du Ada på" in mette.last_text
    await mette.click("7")
    assert "Gemt: Tro på egne evner for Ada" in mette.last_text
    assert "Dine vurderinger: 7" in mette.last_text
    assert "Adas egne vurderinger: 5" in mette.last_text
    assert ("self_belief", "mentor", 7, date(2026, 11, 23)) in await _ratings(harness)

    await mette.send_command("belief")
    await mette.click("Ada")
    await mette.click("6")
    harness.clock.advance(timedelta(days=7))
    await mette.send_command("belief")
    await mette.click("Ada")
    await mette.click("8")
    assert "over tid: 6 (23. nov.) → 8 (30. nov.)" in mette.last_text
    async with harness.app.sessionmaker() as session:
        beliefs = (await session.execute(select(MentorBelief))).scalars().all()
    assert [(b.value, b.local_date) for b in beliefs] == [
        (6, date(2026, 11, 23)),
        (8, date(2026, 11, 30)),
    ]
    await mette.send_command("progress")
    await mette.click("Ada")
    shown = mette.last_text
    assert "Mentors vurdering: 7" in shown and "Egen vurdering: 5" in shown
    assert "Mentors tro på job eller uddannelse (0–10): 6 → 8" in shown


async def test_mentor_switches_sobriety_on_and_the_youth_rates_it(harness: Harness) -> None:
    mette, ada = await _pair(harness)
    await mette.send_command("subgoals")
    await mette.click("Ada")
    assert "⬜ Afrusning" in mette.buttons()
    await mette.click("⬜ Afrusning")
    assert "✅ Afrusning" in mette.buttons()
    await ada.send_command("rating")
    # A sub-goal the mentor switched on is one the young person works on: it is asked.
    for _ in range(3):
        await ada.click("5")
    await ada.click("Spring over")
    assert ("sobriety", "self", 5, date(2026, 11, 23)) in await _ratings(harness)


async def test_only_the_own_mentor_may_rate(harness: Harness) -> None:
    _mette, ada = await _pair(harness)
    other = harness.user(502, "Ole")
    await harness.onboard(other, Role.MENTOR)
    await other.send_command("rate")
    assert "ingen unge knyttet" in other.last_text
    await ada.send_command("rate")
    assert "for mentorer og personale" in ada.last_text
