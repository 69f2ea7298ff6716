"""The console in a real browser (headless Chromium via Selenium): a mentor's week from a
sign-in link the bot sent, and a staff member's edit → check → preview → publish, each ending
in what the bot does next on Telegram. Screenshots go to the test's tmp folder."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest
from aiohttp.test_utils import unused_port
from sqlalchemy import select

from bot.clock import ManualClock
from bot.services.alerts import AlertService
from storage.models import Alert, AlertKind, Role, ScriptVersion
from tests.unit.reporting_support import cph, record_days, tick_at
from tests.web.browser import Browser, require_browser
from tests.web.support import Console, mentor_with_youths, running_console

pytestmark = pytest.mark.browser


@pytest.fixture
async def live_console(database_url: str, clock: ManualClock) -> AsyncIterator[Console]:
    require_browser()
    async with running_console(database_url, clock, port=unused_port()) as running:
        yield running


@pytest.fixture
def browser(tmp_path: Path) -> AsyncIterator[Browser]:
    require_browser()
    opened = Browser(tmp_path / "screenshots")
    yield opened  # type: ignore[misc]
    opened.close()


async def test_mentor_signs_in_acknowledges_writes_a_note_and_the_summary_carries_it(
    live_console: Console, browser: Browser
) -> None:
    h = live_console.harness
    mentor, (ada, _bo) = await mentor_with_youths(h, 501, ["Ada", "Bo"], 601)
    # Last week: three low days and a missed one; a low-mood alert is open.
    await record_days(
        h,
        ada.id,
        {
            cph(2026, 11, 18).date(): ("answered", 2),
            cph(2026, 11, 19).date(): ("answered", 1),
            cph(2026, 11, 20).date(): ("missed", None),
            cph(2026, 11, 21).date(): ("answered", 2),
        },
    )
    async with h.app.sessionmaker() as session:
        alert = await AlertService(session, h.clock).raise_alert(
            ada, AlertKind.LOW_MOOD, {"days": 3, "max": 2}
        )
        await session.commit()
    assert alert is not None

    await browser.get(await live_console.full_link_for(mentor))
    await browser.element("table#overview")  # the sign-in page went on to the overview
    first_row = await browser.element("table#overview tbody tr")
    assert "Ada" in first_row.text  # an open alert puts Ada first
    await browser.screenshot("mentor-overview")

    await browser.click_text("table#overview a", "Ada")
    await browser.element("#charts svg.chart")
    charts = await browser.run(
        lambda: browser.driver.find_elements("css selector", "#charts svg.chart")
    )
    assert len(charts) >= 3  # mood, attendance, belief (and rated sub-goals)
    assert "Check-ins: 3 af 4" in (await browser.element("#week")).text
    await browser.screenshot("mentor-youth")

    await browser.click(f"#alert-{alert.id} button")
    await browser.text_in(f"#alert-{alert.id}", "Kvitteret")
    async with h.app.sessionmaker() as session:
        stored = await session.get(Alert, alert.id)
        assert stored is not None and stored.acknowledged_at is not None

    note = await browser.element("#note-text")
    await browser.run(lambda: note.send_keys("Vi aftalte to vækkeure og en gåtur"))
    await browser.click("#notes button[type=submit]")
    await browser.element("#saved")
    assert "Vi aftalte to vækkeure" in (await browser.element("#notes")).text
    await browser.screenshot("mentor-note-saved")

    # On a phone the overview's table turns into one card per young person.
    await browser.run(lambda: browser.driver.set_window_size(390, 844))
    await browser.click("a[href='/']")
    head = await browser.element("table#overview thead")
    assert not await browser.run(head.is_displayed)
    assert "Ada" in (await browser.element("table#overview tbody tr")).text
    await browser.screenshot("mentor-overview-phone")

    # The next weekly summary on Telegram (Monday 30 Nov, 08:00) carries the note.
    before = len(mentor.messages)
    await tick_at(h, cph(2026, 11, 30, 8, 0))
    sent = [m.text or m.caption or "" for m in mentor.messages[before:]]
    summary = next(text for text in sent if "Ada" in text and "Check-ins" in text)
    assert "Vi aftalte to vækkeure og en gåtur" in summary


async def test_staff_edit_see_error_at_its_line_fix_preview_publish_and_youth_gets_it(
    live_console: Console, browser: Browser
) -> None:
    h = live_console.harness
    staff = h.user(500, "Sif")
    await h.onboard(staff, Role.STAFF)
    _mentor, (ada,) = await mentor_with_youths(h, 501, ["Ada"], 601)

    await browser.get(await live_console.full_link_for(staff))
    await browser.element("table#overview, main h1")
    await browser.get(browser.driver.current_url.rstrip("/") + "/staff/scripts/daily_checkin")
    await browser.click("#edit")
    area = await browser.element("textarea#source")
    line_count = int(
        await browser.run(
            lambda: browser.driver.execute_script(
                "return arguments[0].value.split('\\n').length", area
            )
        )
    )

    from selenium.webdriver.common.keys import Keys

    # A typo typed at the end: marked at its line before anything is saved.
    await browser.run(lambda: area.send_keys(Keys.CONTROL, Keys.END))
    await browser.run(lambda: area.send_keys("bogus: 1"))
    bad_line = f'#gutter .ln.err[data-line="{line_count}"]'
    marked = await browser.element(bad_line)
    assert "bogus" in marked.get_attribute("title")
    await browser.text_in("#lint", f"linje {line_count}")
    await browser.screenshot("staff-editor-error")

    # Fixed: the mark goes away.
    await browser.run(lambda: area.send_keys(*[Keys.BACKSPACE] * len("bogus: 1")))
    await browser.text_in("#lint", "Ingen")
    assert not await browser.run(
        lambda: browser.driver.find_elements("css selector", "#gutter .ln.err")
    )

    # The real change: version 2 and a new greeting (edited in the text, then checked live).
    await browser.run(
        lambda: browser.driver.execute_script(
            "const a = arguments[0];"
            "a.value = a.value.replace('version: 1', 'version: 2')"
            ".replace('Klar til dagens check-in?', 'Klar til en ny dag sammen?');"
            "a.dispatchEvent(new Event('input', {bubbles: true}));",
            area,
        )
    )
    await browser.text_in("#lint", "Ingen")

    # Preview: the script plays as a chat; tapping its buttons moves it on.
    await browser.click("#preview-start")
    await browser.text_in("#chat", "Klar til en ny dag sammen?")
    await browser.click("#preview .chat-button")
    await browser.wait(
        lambda driver: len(driver.find_elements("css selector", "#chat .bubble.you")) == 1
    )
    bubbles_before = len(
        await browser.run(
            lambda: browser.driver.find_elements("css selector", "#chat .bubble.bot")
        )
    )
    await browser.click("#preview .chat-button")
    await browser.wait(
        lambda driver: (
            len(driver.find_elements("css selector", "#chat .bubble.bot")) > bubbles_before
        )
    )
    await browser.screenshot("staff-preview")

    # Publish with the change summary.
    await browser.click("#review")
    changes = await browser.element("#changes")
    assert "Version 1 → 2" in changes.text and "hello" in changes.text
    await browser.screenshot("staff-review")
    await browser.click("#publish")
    await browser.text_in("#done", "version 2")

    async with h.app.sessionmaker() as session:
        rows = await session.execute(
            select(ScriptVersion).where(
                ScriptVersion.script_id == "daily_checkin", ScriptVersion.is_active.is_(True)
            )
        )
        active = rows.scalar_one()
    assert active.version == 2 and active.published_by_id is not None

    # The young person's next conversation uses the new version.
    h.clock.advance(timedelta(hours=2))
    youth = h.user(601, "Ada")
    await youth.send_command("checkin")
    assert any("Klar til en ny dag sammen?" in (m.text or "") for m in youth.messages[-3:])
    assert ada.id
