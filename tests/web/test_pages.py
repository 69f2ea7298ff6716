"""What the console's pages do, over HTTP: the figures agree with the bot's status on Telegram;
mentor actions (rating, belief, export); staff pages (rollback, cohort with drop-off, invite with
QR code, hand-over, deletion requests)."""

from __future__ import annotations

import re

from sqlalchemy import select

from storage.models import (
    MentorBelief,
    MentorLink,
    Person,
    Role,
    ScriptVersion,
    SubgoalRating,
)
from tests.unit.reporting_support import cph, record_days
from tests.web.support import Console, csrf_of, mentor_with_youths


async def _staff(console: Console) -> None:
    staff = console.harness.user(500, "Sif")
    await console.harness.onboard(staff, Role.STAFF)


async def test_overview_figures_agree_with_the_status_in_telegram(console: Console) -> None:
    h = console.harness
    mette, (ada, bo) = await mentor_with_youths(h, 501, ["Ada", "Bo"], 601)
    await record_days(
        h,
        ada.id,
        {
            cph(2026, 11, 18).date(): ("answered", 4),
            cph(2026, 11, 19).date(): ("missed", None),
            cph(2026, 11, 20).date(): ("answered", 3),
            cph(2026, 11, 22).date(): ("skipped", None),
        },
    )
    await mette.send_command("youths")
    await mette.click("Ada")  # the bot answers with the status of the last 7 days
    status = mette.last_text
    kept, asked = re.search(r"Check-ins: (\d+) af (\d+)", status).groups()  # type: ignore[union-attr]
    average = re.search(r"gns\. (\d+,\d)", status).group(1)  # type: ignore[union-attr]

    client = await console.signed_in(mette)
    overview = await (await client.get("/")).text()
    row = overview.split(f'data-youth="{ada.id}"', 1)[1].split("</tr>", 1)[0]
    assert f"{kept}/{asked}" in row and average in row
    page = await (await client.get(f"/youth/{ada.id}")).text()
    assert f"Check-ins: {kept} af {asked}" in page and f"gennemsnit {average}" in page
    assert "12 uger" in page and page.count('class="chart"') >= 3
    # Bo, with nothing recorded, is listed too; Ada (a missed day) comes first.
    assert overview.index(f'data-youth="{ada.id}"') < overview.index(f'data-youth="{bo.id}"')
    await client.close()


async def test_rating_and_belief_are_stored_and_drawn(console: Console) -> None:
    h = console.harness
    mette, (ada,) = await mentor_with_youths(h, 501, ["Ada"], 601)
    client = await console.signed_in(mette)
    token = await csrf_of(client)
    rated = await client.post(
        f"/youth/{ada.id}/rating",
        data={"csrf": token, "subgoal": "responsibility", "value": "6"},
        allow_redirects=False,
    )
    assert rated.status == 303
    believed = await client.post(
        f"/youth/{ada.id}/belief", data={"csrf": token, "value": "8"}, allow_redirects=False
    )
    assert believed.status == 303
    out_of_range = await client.post(
        f"/youth/{ada.id}/belief", data={"csrf": token, "value": "11"}, allow_redirects=False
    )
    assert "saved=nothing" in out_of_range.headers["Location"]
    async with h.app.sessionmaker() as session:
        ratings = (await session.execute(select(SubgoalRating))).scalars().all()
        beliefs = (await session.execute(select(MentorBelief))).scalars().all()
    assert [(r.subgoal, r.source, r.value) for r in ratings] == [("responsibility", "mentor", 6)]
    assert [b.value for b in beliefs] == [8]
    page = await (await client.get(f"/youth/{ada.id}")).text()
    assert "Mentor: 6" in page and "Tro: 8" in page  # the points' labels in the SVG charts
    overview = await (await client.get("/")).text()
    assert "8/10" in overview
    await client.close()


async def test_export_for_a_chosen_period_as_csv_and_pdf(console: Console) -> None:
    h = console.harness
    mette, (ada,) = await mentor_with_youths(h, 501, ["Ada"], 601)
    await record_days(h, ada.id, {cph(2026, 11, 10).date(): ("answered", 4)})
    client = await console.signed_in(mette)
    csv = await client.get(
        f"/youth/{ada.id}/export",
        params={"first": "2026-11-01", "last": "2026-11-20", "format": "csv"},
    )
    assert csv.status == 200
    assert csv.headers["Content-Disposition"].endswith('2026-11-01-2026-11-20.csv"')
    assert "2026-11-10" in await csv.text()
    pdf = await client.get(
        f"/youth/{ada.id}/export",
        params={"first": "2026-11-01", "last": "2026-11-20", "format": "pdf"},
    )
    assert pdf.status == 200 and (await pdf.read()).startswith(b"%PDF")
    backwards = await client.get(
        f"/youth/{ada.id}/export", params={"first": "2026-11-20", "last": "2026-11-01"}
    )
    assert backwards.status == 400
    await client.close()


async def test_staff_roll_back_a_script_version(console: Console) -> None:
    await _staff(console)
    client = await console.signed_in(console.harness.user(500, "Sif"))
    page = await (await client.get("/staff/scripts")).text()
    assert "daily_checkin" in page
    token = await csrf_of(client, "/staff/scripts/daily_checkin/edit")
    source = await (await client.get("/staff/scripts/daily_checkin/edit")).text()
    raw = re.search(r'<textarea id="source"[^>]*>(.*?)</textarea>', source, re.S).group(1)  # type: ignore[union-attr]
    import html

    new = html.unescape(raw).replace("version: 1", "version: 2")
    review = await (
        await client.post(
            "/staff/scripts/daily_checkin/review", data={"csrf": token, "source": new}
        )
    ).text()
    assert "Kun versionsnummeret er ændret." in review
    publish_token = re.search(r'name="token" value="([0-9a-f]+)"', review).group(1)  # type: ignore[union-attr]
    changed = new.replace("Klar til dagens check-in?", "Klar?")
    stale = await client.post(
        "/staff/scripts/daily_checkin/publish",
        data={"csrf": token, "source": changed, "token": publish_token},
    )
    assert stale.status == 409  # not the text that was reviewed
    done = await client.post(
        "/staff/scripts/daily_checkin/publish",
        data={"csrf": token, "source": new, "token": publish_token},
        allow_redirects=False,
    )
    assert done.status == 303
    back = await client.post(
        "/staff/scripts/daily_checkin/activate",
        data={"csrf": token, "version": "1"},
        allow_redirects=False,
    )
    assert back.status == 303
    async with console.harness.app.sessionmaker() as session:
        rows = (
            (
                await session.execute(
                    select(ScriptVersion).where(ScriptVersion.script_id == "daily_checkin")
                )
            )
            .scalars()
            .all()
        )
    assert {(r.version, r.is_active) for r in rows} == {(1, True), (2, False)}
    versions = await (await client.get("/staff/scripts/daily_checkin")).text()
    assert "Sif" in versions  # who published version 2
    await client.close()


async def test_cohort_shows_figures_and_how_far_conversations_get(console: Console) -> None:
    await _staff(console)
    h = console.harness
    _mette, (ada,) = await mentor_with_youths(h, 501, ["Ada"], 601)
    youth = h.user(601, "Ada")
    await youth.send_command("checkin")
    await youth.click("4")  # mood, then stop: the run reached one step
    client = await console.signed_in(h.user(500, "Sif"))
    page = await (await client.get("/staff/cohort")).text()
    assert "Mette" in page and "Alle" in page
    reach = page.split('id="reach-daily_checkin"', 1)[1].split("</section>", 1)[0]
    assert "1 samtale" in reach
    assert re.search(r"mood</span>.*?100\s?%", reach, re.S)
    assert re.search(r"energy</span>.*?0\s?%", reach, re.S)
    assert ada.id
    await client.close()


async def test_invite_with_link_and_qr_code(console: Console) -> None:
    await _staff(console)
    h = console.harness
    mette, _youths = await mentor_with_youths(h, 501, [], 601)
    client = await console.signed_in(h.user(500, "Sif"))
    token = await csrf_of(client, "/staff/people")
    async with h.app.sessionmaker() as session:
        mentor = (
            await session.execute(select(Person).where(Person.telegram_id == 501))
        ).scalar_one()
    page = await (
        await client.post(
            "/staff/people/invite",
            data={"csrf": token, "role": "youth", "mentor": str(mentor.id), "name": "Cai"},
        )
    ).text()
    link = re.search(r'id="invite-link">(https://t\.me/\S+?)</a>', page).group(1)  # type: ignore[union-attr]
    assert 'src="data:image/svg+xml' in page
    code = link.rsplit("=", 1)[1]
    cai = h.user(603, "Cai")
    await cai.send_command("start", code)
    await cai.click("Dansk")
    await cai.click("Ja, det er fint")
    await cai.click("09:00")
    async with h.app.sessionmaker() as session:
        person = (
            await session.execute(select(Person).where(Person.telegram_id == 603))
        ).scalar_one()
        link_row = (
            await session.execute(select(MentorLink).where(MentorLink.youth_id == person.id))
        ).scalar_one()
    assert person.is_youth and link_row.mentor_id == mentor.id
    assert mette
    await client.close()


async def test_hand_over_and_deletion_request(console: Console) -> None:
    await _staff(console)
    h = console.harness
    mette, (ada,) = await mentor_with_youths(h, 501, ["Ada"], 601)
    bent = h.user(502, "Bent")
    bent_person = await h.onboard(bent, Role.MENTOR)
    client = await console.signed_in(h.user(500, "Sif"))
    token = await csrf_of(client, "/staff/people")
    handed = await client.post(
        "/staff/people/handover",
        data={"csrf": token, "youth": str(ada.id), "mentor": str(bent_person.id)},
        allow_redirects=False,
    )
    assert handed.status == 303
    assert "Ada" in bent.last_text
    bent_client = await console.signed_in(bent)
    assert (await bent_client.get(f"/youth/{ada.id}")).status == 200
    mette_client = await console.signed_in(mette)
    assert (await mette_client.get(f"/youth/{ada.id}")).status == 404
    await bent_client.close()
    await mette_client.close()

    youth = h.user(601, "Ada")
    await youth.send_command("delete")
    await youth.click(youth.buttons()[0])
    people = await (await client.get("/staff/people")).text()
    request_id = re.search(r"/staff/people/erasure/(\d+)", people).group(1)  # type: ignore[union-attr]
    erased = await client.post(
        f"/staff/people/erasure/{request_id}",
        data={"csrf": token, "decision": "approve"},
        allow_redirects=False,
    )
    assert erased.status == 303
    assert "slettet" in youth.last_text
    async with h.app.sessionmaker() as session:
        assert await session.get(Person, ada.id) is None
    await client.close()
