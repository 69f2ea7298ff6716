"""Publishing a dialog script through the real `fremad run`, over HTTP: a staff member sends the
file (the bot downloads it with getFile), publishes it, and the next check-in uses it."""

from __future__ import annotations

from bot.local_telegram import FakeUser
from tests.e2e.live import LiveBot
from tests.e2e.test_onboarding_live import cli_invite, db_rows, tap
from tests.scripts_support import NEW_HELLO_EN, checkin_v2


async def onboard(live: LiveBot, user: FakeUser, *invite_args: str) -> None:
    await user.send_command("start", await cli_invite(live, *invite_args))
    await user.wait_for_messages()
    await tap(user, "English")
    await tap(user, "Yes, I agree")


async def test_staff_upload_and_publish_over_http_reaches_the_next_checkin(
    live: LiveBot,
) -> None:
    sam = live.tg.user(61, "Sam", language_code="en")
    await onboard(live, sam, "staff")
    ada = live.tg.user(62, "Ada", language_code="en")
    await onboard(live, ada, "youth")
    await tap(ada, "09:00")

    # Too large: refused from the document's size, never downloaded.
    await sam.send_document("daily_checkin.yaml", b"#" * (2 * 1024 * 1024))
    await sam.wait_for_messages()
    assert "too large" in sam.last_text
    assert live.tg.calls_to("getFile") == []

    await sam.send_document("daily_checkin.yaml", checkin_v2())
    await sam.wait_for_messages()
    assert "Version 1 → 2" in sam.last_text
    assert len(live.tg.calls_to("getFile")) == 1
    assert "version 2 is now in use" in await tap(sam, "Publish version 2")

    await ada.send_command("checkin")
    messages = await ada.wait_for_messages(2)
    assert NEW_HELLO_EN.format(first_name="Ada") in messages[0].text
    await tap(ada, "4")
    assert db_rows(
        live,
        "SELECT script_id, version, is_active FROM script_versions"
        " WHERE script_id = 'daily_checkin' ORDER BY version",
    ) == [("daily_checkin", 1, 0), ("daily_checkin", 2, 1)]
    assert db_rows(live, "SELECT key, script_version FROM answers") == [("mood", 2)]
    assert db_rows(live, "SELECT action FROM audit_log WHERE action LIKE 'script.%'") == [
        ("script.published",)
    ]
