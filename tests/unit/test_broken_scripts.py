"""A broken script never reaches a young person: start-up and `fremad doctor` name each problem
with file:line, and a script that breaks while it runs is stopped kindly, logged without anyone's
words, and reported to staff by name."""

from __future__ import annotations

import logging
import shutil
from pathlib import Path

import pytest
from sqlalchemy import update

from bot.app import build_app
from bot.clock import ManualClock
from bot.config import ConfigError
from bot.context import dialog_runner
from bot.local_telegram import FakeSession, FakeTelegram
from bot.ops.doctor import Level, check_scripts
from bot.preview import conversation
from bot.scheduling.tick import run_tick
from storage.models import Role, ScriptVersion
from storage.repositories.people import PeopleRepository
from tests.harness import Harness, make_settings
from tests.scripts_support import DIALOGS, staff_member

TALK = b"""id: evening_talk
version: 1
kind: other
title: {da: Aftensnak}
triggers:
  - command: evening
    roles: [youth]
steps:
  - id: how
    type: text
    key: how
    text: {da: "Hvordan var din dag?"}
  - id: bye
    type: message
    text: {da: Tak.}
"""


async def break_stored_version(h: Harness, script_id: str) -> None:
    """A stored version that no longer loads (as after a change of the sub-goal catalogue)."""
    async with h.app.sessionmaker() as session:
        await session.execute(
            update(ScriptVersion)
            .where(ScriptVersion.script_id == script_id)
            .values(source=TALK.decode().replace("type: text", "type: essay"))
        )
        await session.commit()
    h.app.runtime.scripts._cache.clear()  # as in a process that has not read it yet


async def test_a_script_that_breaks_mid_conversation_is_closed_kindly_and_staff_are_told(
    harness: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    sam = await staff_member(harness)
    await sam.send_document("evening_talk.yaml", TALK)
    await sam.click("Publish version 1")
    ada = harness.user(100, "Ada")
    await harness.onboard(ada, Role.YOUTH)
    await ada.send_command("evening")
    assert "Hvordan var din dag?" in ada.last_text

    await break_stored_version(harness, "evening_talk")
    with caplog.at_level(logging.ERROR):
        await ada.send_text("Min hemmelige dag")
    assert "gik noget galt i denne samtale" in ada.last_text, ada.last_text
    failure = [r.getMessage() for r in caplog.records if "evening_talk" in r.getMessage()]
    assert failure == ["script evening_talk version 1 failed at step how: DialogError"]
    assert not any("hemmelige" in r.getMessage() for r in caplog.records)
    async with harness.app.sessionmaker() as session:
        person = await PeopleRepository(session).by_telegram_id(ada.id)
        assert person is not None
        runner = dialog_runner(session, harness.app.runtime)
        assert await runner.open_run(conversation(harness.app, ada.id)) is None

    await run_tick(harness.app.scheduling.tick_context, harness.clock.now())
    assert "The dialog script evening_talk (version 1)" in sam.last_text, sam.last_text
    assert "at step how" in sam.last_text and "/scripts" in sam.last_text

    # The conversation is really closed, and the broken script's command is off until fixed.
    await ada.send_command("help")
    assert "/reflect" in ada.last_text and "/evening" not in ada.last_text


def broken_dialogs(tmp_path: Path) -> Path:
    target = tmp_path / "dialogs"
    shutil.copytree(DIALOGS, target)
    path = target / "scripts" / "weekly_reflection.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace("days: fri", "days: fredag"), encoding="utf-8"
    )
    return target


async def test_start_up_refuses_a_broken_shipped_script_naming_file_and_line(
    database_url: str, clock: ManualClock, tmp_path: Path
) -> None:
    settings = make_settings(database_url, dialogs_dir=broken_dialogs(tmp_path))
    with pytest.raises(ConfigError) as refused:
        await build_app(settings, clock, FakeSession(FakeTelegram()))
    assert "weekly_reflection.yaml:16:" in str(refused.value)
    assert "did you mean `fri`?" in str(refused.value)


async def test_doctor_names_broken_shipped_and_published_scripts(
    harness: Harness, tmp_path: Path
) -> None:
    sam = await staff_member(harness)
    await sam.send_document("evening_talk.yaml", TALK)
    await sam.click("Publish version 1")
    healthy = await check_scripts(harness.settings, database_ok=True)
    assert [f.level for f in healthy] == [Level.OK]

    await break_stored_version(harness, "evening_talk")
    settings = harness.settings.model_copy(update={"dialogs_dir": broken_dialogs(tmp_path)})
    findings = await check_scripts(settings, database_ok=True)
    failed = [f.text for f in findings if f.level is Level.FAIL]
    assert len(failed) == 2, failed
    assert "weekly_reflection.yaml:16:" in failed[0] and "fix the shipped file" in failed[0]
    assert failed[1].startswith("evening_talk.yaml (version 1, in use):")
    assert "roll back in /scripts" in failed[1]
