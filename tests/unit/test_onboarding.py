"""Onboarding through the production dispatcher (in-process fake Telegram)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from storage.models import Consent, ConversationState, Invite, Person, Role, YouthSettings
from tests.harness import Harness


async def _count(h: Harness, model: type) -> int:
    async with h.app.sessionmaker() as session:
        return int((await session.execute(select(func.count()).select_from(model))).scalar_one())


async def test_youth_onboards_in_danish_and_gets_linked_to_mentor(harness: Harness) -> None:
    mentor_user = harness.user(500, "Mette")
    mentor = await harness.onboard(mentor_user, Role.MENTOR)
    assert "mentor" in mentor_user.last_text

    ada = harness.user(600, "Ada")
    invite = await harness.invite(Role.YOUTH, mentor=500, name="Ada")
    await ada.send_command("start", invite.code)
    assert ada.buttons() == ["Dansk", "English"]
    await ada.click("Dansk")
    assert "Ingen læser med live" in ada.last_text
    assert "sanktioner" in ada.last_text
    await ada.click("Ja, det er fint")
    assert "Hvornår" in ada.last_text
    await ada.click("10:00")
    assert "Velkommen, Ada" in ada.last_text and "10:00" in ada.last_text

    person = await harness.person(600)
    assert person is not None and person.roles == [Role.YOUTH] and person.locale == "da"
    async with harness.app.sessionmaker() as session:
        from storage.repositories.people import PeopleRepository

        current = await PeopleRepository(session).current_mentor(person.id)
        assert current is not None and current.id == mentor.id
        settings = await session.get(YouthSettings, person.id)
        assert settings is not None and settings.checkin_time == "10:00"
        consent = await session.execute(select(Consent).where(Consent.person_id == person.id))
        assert consent.scalar_one().locale == "da"


async def test_english_staff_and_typed_time(harness: Harness) -> None:
    staff = harness.user(700, "Sam", language_code="en")
    invite = await harness.invite(Role.STAFF)
    await staff.send_command("start", invite.code)
    await staff.click("English")
    assert "Before we start" in staff.last_text
    await staff.click("Yes, I agree")
    assert "set up as staff" in staff.last_text

    youth = harness.user(701, "Bo", language_code="en")
    invite = await harness.invite(Role.YOUTH)
    await youth.send_command("start", invite.code)
    await youth.click("English")
    await youth.click("Yes, I agree")
    await youth.click("Another time")
    await youth.send_text("25:99")
    assert "didn't catch that time" in youth.last_text
    await youth.send_text("7.45")
    assert "07:45" in youth.last_text


async def test_bad_codes_get_kind_answers_and_store_nothing(harness: Harness) -> None:
    stranger = harness.user(800, "X")
    await stranger.send_command("start")
    assert "invitation" in stranger.last_text or "invitation" in stranger.last_text.lower()
    await stranger.send_command("start", "NOPE")
    assert "kunne ikke finde" in stranger.last_text
    await stranger.send_text("hello?")
    assert "Fremad bruges med en invitation" in stranger.last_text

    used = await harness.invite(Role.YOUTH)
    await harness.onboard(harness.user(801, "Y"), Role.YOUTH)  # another invite, unrelated
    first = harness.user(802, "Z")
    await first.send_command("start", used.code)
    await first.click("Dansk")
    await first.click("Ja, det er fint")
    await stranger.send_command("start", used.code)
    assert "allerede brugt" in stranger.last_text

    expired = await harness.invite(Role.YOUTH)
    harness.clock.advance(timedelta(hours=73))
    await stranger.send_command("start", expired.code)
    assert "udløbet" in stranger.last_text
    # A code typed with spaces and lower case is still found.
    fresh = await harness.invite(Role.MENTOR)
    typed = f"{fresh.code[:5].lower()} {fresh.code[5:]}"
    await stranger.send_text(typed)
    assert stranger.buttons() == ["Dansk", "English"]
    await stranger.click("Dansk")
    await stranger.click("Nej tak")
    assert "intet er blevet gemt" in stranger.last_text

    assert await harness.person(800) is None
    async with harness.app.sessionmaker() as session:
        invite = await session.get(Invite, fresh.id)
        assert invite is not None and invite.used_at is None
        # The stranger's conversation left nothing behind once they said no.
        keys = (await session.execute(select(ConversationState.key))).scalars().all()
        assert not [key for key in keys if ":800:" in key]


async def test_stale_button_and_typing_instead_of_tapping(harness: Harness) -> None:
    ada = harness.user(900, "Ada")
    invite = await harness.invite(Role.YOUTH)
    await ada.send_command("start", invite.code)
    await ada.click("Dansk")
    first_consent = ada.keyboard_message()
    await ada.send_text("hvad?")
    assert ada.buttons() == ["Ja, det er fint", "Nej tak"]
    # One open question per chat: asking again took the buttons off the first consent question.
    assert first_consent.buttons() == []
    await ada.click("Ja, det er fint")
    await ada.click("09:00")
    assert "Velkommen" in ada.last_text
    assert await _count(harness, Person) == 1


async def test_group_chat_is_declined_politely(harness: Harness) -> None:
    ada = harness.user(950, "Ada")
    update = await harness.tg.group_chat_message(ada, "/start")
    assert await harness.person(950) is None
    replies = harness.tg.messages_in(update["message"]["chat"]["id"])
    assert [m.text for m in replies] == [
        "Jeg virker kun i en privat chat, så det, du deler, forbliver privat. "
        "Skriv direkte til mig."
    ]


async def test_blocked_user_is_marked_unreachable(harness: Harness) -> None:
    ada = harness.user(960, "Ada")
    await harness.onboard(ada, Role.YOUTH)
    await ada.block()
    person = await harness.person(960)
    assert person is not None and person.unreachable_since == harness.clock.now()
    await ada.unblock()
    person = await harness.person(960)
    assert person is not None and person.unreachable_since is None


async def test_reply_to_someone_who_just_blocked_is_a_403_handled_quietly(
    harness: Harness,
) -> None:
    ada = harness.user(970, "Ada")
    await harness.onboard(ada, Role.YOUTH)
    # She writes and blocks the bot at once: the reply meets Telegram's 403.
    ada.blocked = True
    await ada.send_text("hej")
    assert harness.tg.count_403 >= 1
    person = await harness.person(970)
    assert person is not None and person.unreachable_since == harness.clock.now()
