""" "What works for me" through the production dispatcher: written by the young person, handed
to a new mentor only with their yes, the history whole; and coping in the moment, always beside
"I'd like to talk"."""

from __future__ import annotations

from sqlalchemy import select

from bot.local_telegram import FakeUser
from storage.models import Answer, MentorLink, Role, SelfProfile, TalkRequest
from tests.harness import Harness
from tests.unit.reporting_support import cph, mentor_and_youths, texts


async def _hand_over(mentor: FakeUser, youth_name: str, to: str) -> None:
    await mentor.send_command("youths")
    await mentor.click(youth_name)
    await mentor.click("🔁 Overdrag")
    await mentor.click(to)


async def test_new_mentor_gets_what_works_only_with_consent_and_history_stays_whole(
    harness: Harness,
) -> None:
    mette, [(ada, ada_p)] = await mentor_and_youths(harness, ["Ada"])
    ole, _ = await mentor_and_youths(harness, ["Bo"], mentor_id=950, mentor_name="Ole")
    harness.clock.set(cph(2026, 11, 24, 10, 0))
    await ada.send_command("talk")  # history from before the hand-over
    await ada.send_command("mig")
    assert "Intet skrevet endnu" in ada.last_text
    await ada.click("✏️ Skriv eller ret det")
    for answer in (
        "Jeg er god til at lytte",
        "En gåtur med musik",
        "Råb og travlhed",
        "En fast makker",
    ):
        await ada.send_text(answer)
    await ada.click("Nej")  # not shared
    await ada.send_command("mig")
    assert "Jeg er god til at lytte" in ada.last_text and "Kun du kan se det" in ada.last_text

    seen = len(ole.messages)
    await _hand_over(mette, "Ada", "Ole")
    told = "\n".join(texts(ole.messages[seen:]))
    assert "Ada" in told and "Jeg er god til at lytte" not in told and "Det virker for" not in told

    # Ada says yes (skipping the questions keeps her words); the next hand-over carries it.
    await ada.click("✏️ Skriv eller ret det")
    for _step in range(4):
        await ada.click("Spring over")
    await ada.click("Ja")
    seen = len(mette.messages)
    await _hand_over(ole, "Ada", "Mette")
    told = "\n".join(texts(mette.messages[seen:]))
    assert "Det virker for Ada" in told and "Læs det gerne før jeres første snak" in told
    assert "Jeg er god til at lytte" in told and "En fast makker" in told

    async with harness.app.sessionmaker() as session:
        links = (
            (await session.execute(select(MentorLink).where(MentorLink.youth_id == ada_p.id)))
            .scalars()
            .all()
        )
        requests = (await session.execute(select(TalkRequest))).scalars().all()
        profile = await session.get(SelfProfile, ada_p.id)
    assert len(links) == 3 and sum(link.ended_at is None for link in links) == 1
    assert len(requests) == 1 and requests[0].youth_id == ada_p.id
    assert profile is not None and profile.shared_with_mentor
    assert profile.strengths == "Jeg er god til at lytte"


async def test_after_a_low_mood_an_exercise_is_offered_beside_a_person(harness: Harness) -> None:
    _mette, [(ada, ada_p)] = await mentor_and_youths(harness, ["Ada"])
    harness.clock.set(cph(2026, 11, 24, 10, 0))
    await ada.send_command("checkin")
    await ada.click("1")
    offer = ada.keyboard_message()
    labels = offer.button_labels()
    offered = [b.text for b in offer.buttons() if not (b.callback_data or "").startswith("d:")]
    assert offered[0] == "🗣 Jeg vil gerne snakke"  # a person first, below the question's answers
    assert {
        "🫁 Træk vejret et minut",
        "👀 5-4-3-2-1: land her",
        "👣 Det allerførste lille skridt",
    } <= set(labels)
    await ada.click("🫁 Træk vejret et minut", in_message=offer)
    shown = "\n".join(m.text for m in ada.messages[-5:])
    assert "tæller til 4" in shown
    await ada.click("Ja")
    assert "/talk" in ada.last_text and "/sos" in ada.last_text
    async with harness.app.sessionmaker() as session:
        [helped] = (
            (await session.execute(select(Answer).where(Answer.metric == "coping_helped")))
            .scalars()
            .all()
        )
    assert helped.person_id == ada_p.id and helped.subgoal == "illness_coping"
    # /calm offers the same, any time.
    await ada.send_command("calm")
    assert ada.buttons()[0] == "🗣 Jeg vil gerne snakke"


async def test_an_anxiety_absence_offers_grounding_and_the_way_to_a_person(
    harness: Harness,
) -> None:
    from tests.unit.test_attendance_flow import add_weekly, answer, at, tick, youth

    mette = harness.user(380, "Mette", language_code="en")
    await harness.onboard(mette, Role.MENTOR, locale_label="English")
    ada, _person = await youth(harness, 381, mentor=380)
    harness.clock.set(at(2026, 11, 23, 7, 0))
    await add_weekly(ada, "Praktik", ["Mon"], "08:00", "10:00")
    await tick(harness, at(2026, 11, 23, 10, 30))
    await answer(ada, "absent", "anxiety")
    await tick(harness, at(2026, 11, 23, 10, 31))
    shown = "\n".join(m.text for m in ada.messages[-4:])
    assert "5 things you can see" in shown
