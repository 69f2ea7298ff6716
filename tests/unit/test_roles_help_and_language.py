"""Every role chooses its language at onboarding and gets a /help of its own commands."""

from __future__ import annotations

from storage.models import Role
from tests.harness import Harness


async def test_staff_choose_their_language_and_help_lists_staff_commands(
    harness: Harness,
) -> None:
    sam = harness.user(950, "Sam", language_code="da")
    invite = await harness.invite(Role.STAFF)
    await sam.send_command("start", invite.code)
    assert sam.buttons() == ["Dansk", "English"]  # asked, not assumed from Telegram's setting
    await sam.click("English")
    await sam.click("Yes, I agree")
    person = await harness.person(950)
    assert person is not None and person.locale == "en"
    assert "set up as staff" in sam.last_text

    await sam.send_command("help")
    text = sam.last_text
    assert "/invite — invite a young person, mentor or staff member" in text
    assert "/scripts" in text and "/cohort" in text and "/settings — your language" in text
    for youth_or_mentor in ("/checkin", "/sos", "/youths", "a link for a young person"):
        assert youth_or_mentor not in text


async def test_mentor_help_has_mentor_settings_and_staff_mentor_invites_anyone(
    harness: Harness,
) -> None:
    mette = harness.user(951, "Mette")
    await harness.onboard(mette, Role.MENTOR)
    await mette.send_command("help")
    assert "/invite — et invitationslink til en ung" in mette.last_text
    assert "/settings — sprog, dag for opsummering og stille timer" in mette.last_text
    assert "/scripts" not in mette.last_text

    # Mette also becomes staff: her /invite is the staff one, her /settings stays the mentor's.
    invite = await harness.invite(Role.STAFF)
    await mette.send_command("start", invite.code)
    await mette.click("Ja, det er fint")
    await mette.send_command("help")
    text = mette.last_text
    assert "/invite — invitér en ung, en mentor eller en medarbejder" in text
    assert "et invitationslink til en ung" not in text
    assert text.count("/invite") == 1 and text.count("/settings") == 1
    assert "/settings — sprog, dag for opsummering og stille timer" in text
    assert "/scripts" in text and "/youths" in text


async def test_youth_help_has_no_staff_or_mentor_commands(harness: Harness) -> None:
    ada = harness.user(952, "Ada")
    await harness.onboard(ada, Role.YOUTH)
    await ada.send_command("help")
    assert "/settings — tidspunkt, dage og sprog for check-in" in ada.last_text
    for other in ("/invite", "/scripts", "/youths", "/cohort"):
        assert other not in ada.last_text
