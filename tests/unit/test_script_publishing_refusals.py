"""What publishing refuses (cleanly, without storing anything), /scripts and rollback."""

from __future__ import annotations

import json
import re

from storage.models import AuditEntry, Role, ScriptVersion
from tests.harness import Harness
from tests.scripts_support import (
    DIALOGS,
    FIXTURES,
    NEW_HELLO_DA,
    checkin_v2,
    rows,
    staff_member,
    staff_published,
    versions_of,
)

BOMB = b"""id: bomb
a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]
b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]
c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]
d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]
e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]
f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]
g: [*f, *f, *f, *f, *f, *f, *f, *f, *f]
"""


async def test_non_staff_upload_is_refused_kindly_and_audited(harness: Harness) -> None:
    ada = harness.user(100, "Ada")
    person = await harness.onboard(ada, Role.YOUTH)
    mette = harness.user(200, "Mette")
    await harness.onboard(mette, Role.MENTOR)
    for user in (ada, mette):
        await user.send_document("daily_checkin.yaml", checkin_v2())
        assert "Kun personalet" in user.last_text, user.last_text
    assert harness.tg.calls_to("getFile") == []  # never downloaded
    assert await staff_published(harness.app) == []
    refused = [a for a in await rows(harness.app, AuditEntry) if a.action.startswith("script.")]
    assert [(a.action, a.actor_id) for a in refused][0] == ("script.upload_refused", person.id)
    assert len(refused) == 2
    # Other documents from a young person are not treated as scripts.
    await ada.send_document("sygemelding.pdf", b"%PDF-1.4")
    assert "Kun personalet" not in ada.last_text


async def test_two_megabyte_file_is_refused_without_downloading_it(harness: Harness) -> None:
    sam = await staff_member(harness)
    await sam.send_document("daily_checkin.yaml", b"# " + b"x" * (2 * 1024 * 1024) + b"\n")
    assert "too large" in sam.last_text and "256 KB" in sam.last_text
    assert harness.tg.calls_to("getFile") == []


async def test_non_yaml_binary_bomb_and_broken_files_are_refused_with_reasons(
    harness: Harness,
) -> None:
    sam = await staff_member(harness)
    await sam.send_document("plan.pdf", b"%PDF-1.4 ...")
    assert "ends in .yaml" in sam.last_text
    assert harness.tg.calls_to("getFile") == []

    cases = [
        ("photo.yaml", b"\x89PNG\r\n\x1a\n\x00\x00\x00", "binary file"),
        ("latin1.yaml", "id: s\u00f8ren\n".encode("latin-1"), "not UTF-8"),
        ("bomb.yaml", BOMB, "bomb.yaml:2:4: error: YAML anchors and aliases"),
        ("notes.yaml", b"just some words, not a script\n", "a YAML mapping"),
        (
            "unknown_target.yaml",
            (FIXTURES / "broken" / "unknown_target.yaml").read_bytes(),
            "unknown_target.yaml:12:15: error: goes to step `nowhere`",
        ),
    ]
    for name, data, expected in cases:
        await sam.send_document(name, data)
        assert "has mistakes, so I have not published it" in sam.last_text, name
        assert expected in sam.last_text, (name, sam.last_text)
        assert sam.last_message.buttons() == []
    assert await staff_published(harness.app) == []


async def test_a_long_list_of_mistakes_is_trimmed_to_fit_telegram(harness: Harness) -> None:
    sam = await staff_member(harness)
    steps = "".join(
        f"  - {{id: s{i}, type: message, text: {{da: Hej}}, next: nowhere{i}}}\n"
        for i in range(400)
    )
    source = f"id: many\nversion: 1\nkind: other\ntitle: {{da: Mange}}\nsteps:\n{steps}"
    await sam.send_document("many.yaml", source.encode())
    assert "has mistakes" in sam.last_text
    assert "more" in sam.last_text and len(sam.last_text) <= 4096


async def test_version_must_be_higher_and_kind_must_stay(harness: Harness) -> None:
    sam = await staff_member(harness)
    await sam.send_document("daily_checkin.yaml", checkin_v2(version=1))
    assert "version: 1" in sam.last_text and "version: 2" in sam.last_text
    other_kind = checkin_v2().replace(b"kind: checkin", b"kind: other")
    await sam.send_document("daily_checkin.yaml", other_kind)
    assert "kind: checkin" in sam.last_text
    assert [v.version for v in await versions_of(harness.app, "daily_checkin")] == [1]


async def test_cancel_and_stale_publish_buttons_publish_nothing(harness: Harness) -> None:
    sam = await staff_member(harness)
    await sam.send_document("daily_checkin.yaml", checkin_v2())
    first = sam.keyboard_message()
    await sam.send_document("daily_checkin.yaml", checkin_v2(version=3))
    await sam.click("Publish version 2", in_message=first)
    assert "no longer waiting" in sam.last_text
    await sam.click("Cancel")
    assert "nothing was published" in sam.last_text
    assert [v.version for v in await versions_of(harness.app, "daily_checkin")] == [1]


async def test_scripts_lists_versions_and_rolls_back(harness: Harness) -> None:
    sam = await staff_member(harness)
    ada = harness.user(100, "Ada")
    await harness.onboard(ada, Role.YOUTH)
    await sam.send_document("daily_checkin.yaml", checkin_v2())
    await sam.click("Publish version 2")

    await sam.send_command("scripts")
    listing = sam.last_text
    assert "Daily check-in (daily_checkin): version 2, since 23.11.2026" in listing
    assert "Weekly reflection (weekly_reflection): version 1" in listing
    await sam.click("daily_checkin")
    assert "version 2, 23.11.2026, published by staff — in use" in sam.last_text
    assert sam.buttons() == ["Use version 1"]
    await sam.click("Use version 1")
    assert "version 1 is in use again" in sam.last_text and "was version 2" in sam.last_text
    active = [
        (v.version, v.is_active)
        for v in await rows(harness.app, ScriptVersion)
        if v.script_id == "daily_checkin"
    ]
    assert active == [(1, True), (2, False)]
    audit = [a for a in await rows(harness.app, AuditEntry) if a.action == "script.activated"]
    assert json.loads(audit[0].detail) == {
        "previous_version": 2,
        "script_id": "daily_checkin",
        "version": 1,
    }

    await ada.send_command("checkin")
    text = "\n".join(m.text or "" for m in ada.messages[-3:])
    assert "Klar til dagens check-in" in text and NEW_HELLO_DA[:10] not in text


async def test_only_staff_may_use_scripts_or_its_buttons(harness: Harness) -> None:
    sam = await staff_member(harness)
    ada = harness.user(100, "Ada")
    await harness.onboard(ada, Role.YOUTH)
    await ada.send_command("scripts")
    assert "personale" in ada.last_text
    await sam.send_command("scripts")
    assert "daily_checkin" in sam.buttons()


async def test_prompt_library_can_be_published(harness: Harness) -> None:
    sam = await staff_member(harness)
    source = (DIALOGS / "scripts" / "prompts.yaml").read_text(encoding="utf-8")
    shipped = int(re.search(r"^version: (\d+)$", source, re.M).group(1))  # type: ignore[union-attr]
    source = source.replace(f"\nversion: {shipped}\n", f"\nversion: {shipped + 1}\n", 1)
    await sam.send_document("prompts.yaml", source.encode())
    assert f"Version {shipped} → {shipped + 1}" in sam.last_text
    assert "Nothing changed but the version number." in sam.last_text
    await sam.click(f"Publish version {shipped + 1}")
    async with harness.app.sessionmaker() as session:
        library = await harness.app.runtime.scripts.prompt_library(session, harness.clock.now())
    assert library.version == shipped + 1


async def test_subgoal_catalogue_is_not_published_in_the_bot(harness: Harness) -> None:
    sam = await staff_member(harness)
    await sam.send_document("subgoals.yaml", (DIALOGS / "subgoals.yaml").read_bytes())
    assert "sub-goal catalogue" in sam.last_text
    assert sam.last_message.buttons() == []
