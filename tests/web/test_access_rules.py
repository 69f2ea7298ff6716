"""Every access rule of the console, over HTTP against the console's own aiohttp application
(production app, fake Telegram, real SQLite): sign-in links, sessions, CSRF, whose young people
a mentor sees, staff-only pages — and that reads and refusals land in the audit log."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.clock import ManualClock
from bot.web.app import SESSION_COOKIE
from bot.web.security import CSP
from storage.models import AuditEntry, Role
from tests.web.support import Console, csrf_of, mentor_with_youths, running_console


async def _audit(console: Console, action: str) -> list[AuditEntry]:
    async with console.harness.app.sessionmaker() as session:
        rows = await session.execute(select(AuditEntry).where(AuditEntry.action == action))
        return list(rows.scalars().all())


async def test_no_session_redirects_to_the_page_that_says_open_web_in_the_bot(
    console: Console,
) -> None:
    client = console.client()
    for path in ("/", "/youth/1", "/staff/scripts", "/staff/people"):
        response = await client.get(path, allow_redirects=False)
        assert response.status == 303, path
        assert response.headers["Location"] == "/signin-needed"
    page = await client.get("/")
    text = await page.text()
    assert page.status == 200
    assert "/web" in text and "Telegram" in text
    await client.close()


async def test_a_link_works_once_and_a_used_link_is_refused(console: Console) -> None:
    mentor, _youths = await mentor_with_youths(console.harness, 501, ["Ada"], 601)
    link = await console.link_for(mentor)
    first, second = console.client(), console.client()
    ok = await first.get(link)
    assert ok.status == 200
    cookie = ok.cookies[SESSION_COOKIE]
    assert cookie["httponly"] and cookie["samesite"] == "Strict"
    assert not cookie["secure"]  # http only because WEB_INSECURE_HTTP is set in this test
    assert (await first.get("/")).status == 200
    used = await second.get(link)
    assert used.status == 403
    assert "/web" in await used.text()
    assert (await second.get("/", allow_redirects=False)).status == 303
    assert len(await _audit(console, "web.signed_in")) == 1
    refusals = [e for e in await _audit(console, "access.denied") if "web_login_link" in e.detail]
    assert len(refusals) == 1
    await first.close()
    await second.close()


async def test_an_expired_link_is_refused(console: Console) -> None:
    mentor, _youths = await mentor_with_youths(console.harness, 501, ["Ada"], 601)
    link = await console.link_for(mentor)
    console.harness.clock.advance(timedelta(minutes=10, seconds=1))
    client = console.client()
    assert (await client.get(link)).status == 403
    await client.close()


async def test_a_session_ends_after_12_hours_idle_and_at_sign_out(console: Console) -> None:
    mentor, _youths = await mentor_with_youths(console.harness, 501, ["Ada"], 601)
    client = await console.signed_in(mentor)
    console.harness.clock.advance(timedelta(hours=11, minutes=59))
    assert (await client.get("/", allow_redirects=False)).status == 200  # use restarts the clock
    console.harness.clock.advance(timedelta(hours=11, minutes=59))
    assert (await client.get("/", allow_redirects=False)).status == 200
    console.harness.clock.advance(timedelta(hours=12, minutes=1))
    assert (await client.get("/", allow_redirects=False)).status == 303
    await client.close()

    client = await console.signed_in(mentor)
    token = await csrf_of(client)
    out = await client.post("/logout", data={"csrf": token}, allow_redirects=False)
    assert out.status == 303
    assert (await client.get("/", allow_redirects=False)).status == 303
    await client.close()


async def test_young_people_get_no_link(console: Console) -> None:
    _mentor, _youths = await mentor_with_youths(console.harness, 501, ["Ada"], 601)
    ada = console.harness.user(601, "Ada")
    await ada.send_command("web")
    assert "/login/" not in ada.last_text
    assert "mentorer og personale" in ada.last_text
    refusals = [e for e in await _audit(console, "access.denied") if "web_console" in e.detail]
    assert len(refusals) == 1


async def test_another_mentors_young_person_is_404_and_audited(console: Console) -> None:
    mette, (ada,) = await mentor_with_youths(console.harness, 501, ["Ada"], 601)
    _other, (bo,) = await mentor_with_youths(console.harness, 502, ["Bo"], 602)
    client = await console.signed_in(mette)
    overview = await (await client.get("/")).text()
    assert "Ada" in overview and "Bo" not in overview
    assert (await client.get(f"/youth/{ada.id}")).status == 200
    refused = await client.get(f"/youth/{bo.id}")
    assert refused.status == 404
    assert "Bo" not in await refused.text()
    assert (await client.get(f"/youth/{bo.id}/export?format=csv")).status == 404
    token = await csrf_of(client)
    note = await client.post(f"/youth/{bo.id}/note", data={"csrf": token, "text": "hej"})
    assert note.status == 404
    denied = [
        json.loads(e.detail)["purpose"]
        for e in await _audit(console, "access.denied")
        if e.subject_id == bo.id
    ]
    assert denied == ["web_youth", "web_export", "web_note"]
    reads = {
        json.loads(e.detail)["purpose"]
        for e in await _audit(console, "data.read")
        if e.subject_id == ada.id
    }
    assert {"web_overview", "web_youth"} <= reads
    await client.close()


async def test_console_reads_are_listed_by_mydata(console: Console) -> None:
    mette, (ada,) = await mentor_with_youths(console.harness, 501, ["Ada"], 601)
    client = await console.signed_in(mette)
    assert (await client.get(f"/youth/{ada.id}")).status == 200
    await client.close()
    youth = console.harness.user(601, "Ada")
    await youth.send_command("mydata")
    exported = [m for m in youth.messages if m.kind == "document"]
    assert exported, [m.text for m in youth.messages[-3:]]
    texts = b"".join(m.file.data for m in exported if m.file is not None).decode("utf-8")
    assert "web_youth" in texts and "Mette" in texts


async def test_a_form_without_its_csrf_token_is_403(console: Console) -> None:
    mette, (ada,) = await mentor_with_youths(console.harness, 501, ["Ada"], 601)
    client = await console.signed_in(mette)
    missing = await client.post(f"/youth/{ada.id}/note", data={"text": "Godt møde"})
    assert missing.status == 403
    wrong = await client.post(f"/youth/{ada.id}/note", data={"text": "x", "csrf": "0" * 64})
    assert wrong.status == 403
    out = await client.post("/logout", data={}, allow_redirects=False)
    assert out.status == 403
    token = await csrf_of(client)
    saved = await client.post(
        f"/youth/{ada.id}/note", data={"text": "Godt møde", "csrf": token}, allow_redirects=False
    )
    assert saved.status == 303
    page = await (await client.get(f"/youth/{ada.id}")).text()
    assert "Godt møde" in page
    await client.close()


async def test_staff_pages_are_refused_to_mentors(console: Console) -> None:
    mette, _youths = await mentor_with_youths(console.harness, 501, ["Ada"], 601)
    client = await console.signed_in(mette)
    token = await csrf_of(client)
    for path in (
        "/staff/scripts",
        "/staff/scripts/daily_checkin",
        "/staff/cohort",
        "/staff/people",
        "/staff/scripts/daily_checkin/edit",
    ):
        assert (await client.get(path)).status == 403, path
    posted = await client.post("/staff/people/invite", data={"csrf": token, "role": "staff"})
    assert posted.status == 403
    refusals = [e for e in await _audit(console, "access.denied") if "web_staff_page" in e.detail]
    assert len(refusals) == 6
    await client.close()

    staff = console.harness.user(500, "Sif")
    await console.harness.onboard(staff, Role.STAFF)
    client = await console.signed_in(staff)
    for path in ("/staff/scripts", "/staff/cohort", "/staff/people"):
        assert (await client.get(path)).status == 200, path
    await client.close()


async def test_every_answer_carries_the_security_headers(console: Console) -> None:
    client = console.client()
    for path in ("/signin-needed", "/static/console.css", "/login/nope"):
        response = await client.get(path)
        assert response.headers["Content-Security-Policy"] == CSP, path
        assert response.headers["X-Frame-Options"] == "DENY"
        assert response.headers["Referrer-Policy"] == "no-referrer"
    assert "'unsafe-inline'" not in CSP and "script-src 'self'" in CSP
    page = await (await client.get("/signin-needed")).text()
    assert "<script>" not in page and " on" + "click=" not in page
    await client.close()


async def test_the_login_route_is_rate_limited(console: Console) -> None:
    client = console.client()
    statuses = [(await client.get(f"/login/guess{n}")).status for n in range(12)]
    assert statuses[:10] == [403] * 10
    assert statuses[10:] == [429, 429]
    await client.close()


async def test_on_https_the_session_cookie_is_secure_and_hsts_is_sent(
    database_url: str, clock: ManualClock
) -> None:
    async with running_console(database_url, clock, web_base_url="https://konsol.test") as https:
        mentor, _youths = await mentor_with_youths(https.harness, 501, ["Ada"], 601)
        link = await https.full_link_for(mentor)
        assert link.startswith("https://konsol.test/login/")
        client = https.client()
        signed = await client.get(link.removeprefix("https://konsol.test"))
        assert signed.status == 200
        cookie = signed.cookies[SESSION_COOKIE]
        assert cookie["secure"] and cookie["httponly"] and cookie["samesite"] == "Strict"
        assert signed.headers["Strict-Transport-Security"].startswith("max-age=")
        await client.close()


def test_the_console_refuses_a_plain_http_base_url_unless_told() -> None:
    from bot.config import ConfigError
    from tests.harness import make_settings

    plain = make_settings("sqlite+aiosqlite:///unused.sqlite3", web_base_url="http://x.dk")
    with pytest.raises(ConfigError, match="https://"):
        plain.web_console_url()
    allowed = make_settings(
        "sqlite+aiosqlite:///unused.sqlite3", web_base_url="http://x.dk/", web_insecure_http=True
    )
    assert allowed.web_console_url() == "http://x.dk"
    secure = make_settings("sqlite+aiosqlite:///unused.sqlite3", web_base_url="https://x.dk")
    assert secure.web_console_url() == "https://x.dk"
