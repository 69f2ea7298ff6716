"""/invite in the bot: mentors invite young people linked to them; staff invite any role."""

from __future__ import annotations

import re

from storage.models import Role
from storage.repositories.people import PeopleRepository
from tests.harness import Harness


def _code(text: str) -> str:
    match = re.search(r"start=([A-Z0-9]+)", text)
    assert match, text
    return match.group(1)


async def test_mentor_invite_links_the_youth_to_the_mentor(harness: Harness) -> None:
    mette = harness.user(300, "Mette")
    mentor = await harness.onboard(mette, Role.MENTOR)
    await mette.send_command("invite")
    code = _code(mette.last_text)
    assert "t.me/fremad_test_bot?start=" in mette.last_text
    ada = harness.user(301, "Ada")
    await ada.send_command("start", code)
    await ada.click("Dansk")
    await ada.click("Ja, det er fint")
    await ada.click("09:00")
    async with harness.app.sessionmaker() as session:
        youth = await PeopleRepository(session).by_telegram_id(301)
        assert youth is not None
        linked = await PeopleRepository(session).current_mentor(youth.id)
        assert linked is not None and linked.id == mentor.id


async def test_staff_picks_a_role_and_youth_cannot_invite(harness: Harness) -> None:
    sam = harness.user(310, "Sam")
    await harness.onboard(sam, Role.STAFF)
    await sam.send_command("invite")
    assert sam.buttons() == ["Ung", "Mentor", "Personale"]
    await sam.click("Mentor")
    code = _code(sam.last_text)
    newcomer = harness.user(311, "Jonas")
    await newcomer.send_command("start", code)
    await newcomer.click("Dansk")
    await newcomer.click("Ja, det er fint")
    person = await harness.person(311)
    assert person is not None and person.roles == [Role.MENTOR]

    ada = harness.user(312, "Ada")
    await harness.onboard(ada, Role.YOUTH)
    await ada.send_command("invite")
    assert "Kun mentorer og personale" in ada.last_text


async def test_help_lists_each_roles_commands(harness: Harness) -> None:
    ada = harness.user(320, "Ada")
    await harness.onboard(ada, Role.YOUTH)
    await ada.send_command("help")
    assert "/checkin — tag dagens check-in" in ada.last_text
    assert "/sos" in ada.last_text and "/youths" not in ada.last_text
    mette = harness.user(321, "Mette")
    await harness.onboard(mette, Role.MENTOR)
    await mette.send_command("help")
    assert "/youths" in mette.last_text and "/checkin" not in mette.last_text
