"""Publishing dialog scripts in the bot, through the production dispatcher: upload → summary →
publish, version pinning of runs under way, refusals, /scripts and rollback."""

from __future__ import annotations

import json

import pytest

from bot.dialogs import load_script
from bot.local_telegram import FakeUser
from bot.preview import begin_script, sample_variables
from storage.models import Answer, AuditEntry, Role
from tests.harness import Harness
from tests.scripts_support import (
    DIALOGS,
    FIXTURES,
    NEW_ENERGY_DA,
    NEW_HELLO_DA,
    answer,
    answer_whatever_is_asked,
    checkin_v2,
    rows,
    staff_member,
    versions_of,
)


async def upload_and_publish(h: Harness, staff: FakeUser, name: str, data: bytes) -> str:
    await staff.send_document(name, data)
    summary = staff.last_text
    version = next(label for label in staff.buttons() if label.startswith("Publish version"))
    await staff.click(version)
    assert "Published" in staff.last_text, staff.last_text
    return summary


def recent_text(user: FakeUser, n: int = 3) -> str:
    return "\n".join(m.text or "" for m in user.messages[-n:])


async def test_upload_shows_changes_and_publish_reaches_new_conversations(
    harness: Harness,
) -> None:
    sam = await staff_member(harness)
    ada = harness.user(100, "Ada")
    await harness.onboard(ada, Role.YOUTH)

    await sam.send_document("daily_checkin.yaml", checkin_v2())
    summary = sam.last_text
    assert "daily_checkin.yaml is fine" in summary
    assert "Version 1 → 2" in summary
    assert "Texts changed (da): hello, energy" in summary
    assert "Texts changed (en): hello" in summary
    assert "Steps added" not in summary and "Steps changed" not in summary
    assert sam.buttons() == ["Publish version 2", "Cancel"]
    # Nothing is stored before the staff member confirms.
    assert [r.version for r in await versions_of(harness.app, "daily_checkin")] == [1]

    await sam.click("Publish version 2")
    assert "version 2 is now in use" in sam.last_text
    versions = await versions_of(harness.app, "daily_checkin")
    assert [(v.version, v.is_active) for v in versions] == [(1, False), (2, True)]
    assert versions[1].published_by_id is not None

    await ada.send_command("checkin")
    assert "Ny version: hej Ada, klar?" in recent_text(ada)
    audit = [a for a in await rows(harness.app, AuditEntry) if a.action == "script.published"]
    assert len(audit) == 1
    assert json.loads(audit[0].detail)["version"] == 2
    assert json.loads(audit[0].detail)["previous_version"] == 1


async def test_a_conversation_under_way_finishes_on_its_version(harness: Harness) -> None:
    sam = await staff_member(harness)
    ada = harness.user(101, "Ada")
    await harness.onboard(ada, Role.YOUTH)
    await ada.send_command("checkin")
    await ada.click("4")  # mood, on version 1
    await upload_and_publish(harness, sam, "daily_checkin.yaml", checkin_v2())

    # Ada's energy question was sent on v1; the rest of her run stays on v1 too.
    assert "Hvor meget energi har du?" in recent_text(ada)
    await ada.click("3")
    await ada.click(ada.buttons()[0])
    await ada.click("Spring over")
    assert "Dit check-in er gemt" in ada.last_text
    first_run = await rows(harness.app, Answer)
    assert {a.script_version for a in first_run} == {1}

    await ada.send_command("checkin")
    assert NEW_HELLO_DA.format(first_name="Ada") in recent_text(ada)
    await ada.click("3")
    assert NEW_ENERGY_DA in recent_text(ada)
    await ada.click("3")
    second_run = (await rows(harness.app, Answer))[len(first_run) :]
    assert {a.script_version for a in second_run} == {2}
    assert {a.key for a in second_run} == {"mood", "energy"}


# Answers (a button label or typed text) to reach each of the five ends of the 30-step fixture.
LONG_PATHS = [
    (["3", "Work", "4", "8.30", "Yes", "Rest"], "End: middle", {"plan": "rest", "hours": 4}),
    (["1", "Yes", "Hard day", "No, just for me", "2", "Tomorrow"], "End: low", {"energy": 2}),
    (["5", "A", "B", "Done", "3", "4"], "End: high", {"things": ["a", "b"], "rate": 4}),
    (["4", "C", "Done", "About c"], "End: c", {"c_text": "About c"}),
    (["5", "B", "Done", "1", "9", "No", "10", "Yes"], "End: top", {"rate": 10}),
]


async def test_thirty_step_script_published_in_the_bot_runs_to_every_end(
    harness: Harness,
) -> None:
    sam = await staff_member(harness)
    summary = await upload_and_publish(
        harness, sam, "long_branching.yaml", (FIXTURES / "long_branching.yaml").read_bytes()
    )
    assert "A new script, version 3." in summary
    ada = harness.user(102, "Ada", language_code="en")
    await harness.onboard(ada, Role.YOUTH, locale_label="English")
    for answers, end_text, expected in LONG_PATHS:
        before = len(await rows(harness.app, Answer))
        run = await begin_script(harness.app, ada.id, "long_branching", purpose="test")
        assert run.info.version == 3
        assert "Hi Ada" in recent_text(ada)
        for value in answers:
            await answer(ada, value)
        assert ada.last_text == end_text, (answers, ada.last_text)
        stored = (await rows(harness.app, Answer))[before:]
        values = {a.key: json.loads(a.value) for a in stored}
        assert expected.items() <= values.items()
        assert {(a.script_id, a.script_version) for a in stored} == {("long_branching", 3)}


@pytest.mark.parametrize(
    "script_id",
    ["daily_checkin", "attendance_followup", "goal_setting", "self_rating", "weekly_reflection"],
)
async def test_each_shipped_script_runs_to_its_end_through_the_bot(
    harness: Harness, script_id: str
) -> None:
    ada = harness.user(103, "Ada", language_code="en")
    person = await harness.onboard(ada, Role.YOUTH, locale_label="English")
    script = load_script(DIALOGS / "scripts" / f"{script_id}.yaml")
    variables = sample_variables(script, "en")
    run = await begin_script(harness.app, ada.id, script_id, purpose="test", variables=variables)
    assert run.info.script_id == script_id and run.info.version == 1
    answers = await answer_whatever_is_asked(harness.app, ada)
    assert answers >= 1
    stored = [a for a in await rows(harness.app, Answer) if a.person_id == person.id]
    assert stored and {a.script_id for a in stored} == {script_id}
    assert "{" not in recent_text(ada, 5)  # every variable was filled in
