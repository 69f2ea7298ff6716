"""The console's templates are in the same Babel catalogues as the bot: every text in them has
its Danish translation, and a Danish mentor gets Danish pages."""

from __future__ import annotations

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from bot.config import REPO_ROOT
from tests.web.support import Console, mentor_with_youths


def _template_msgids() -> set[str]:
    found = extract_from_dir(
        str(REPO_ROOT / "bot" / "web" / "templates"),
        method_map=[("**.html", "jinja2")],
        keywords={"_": None, "ngettext": (1, 2)},
    )
    return {m if isinstance(m, str) else m[0] for _f, _l, m, _c, _x in found}


def test_every_text_in_the_templates_has_a_danish_translation() -> None:
    path = REPO_ROOT / "locales" / "da" / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as po_file:
        catalog = read_po(po_file, locale="da")
    danish = {
        (m.id if isinstance(m.id, str) else m.id[0]): m.string
        for m in catalog
        if m.id and not m.fuzzy
    }
    msgids = _template_msgids()
    assert len(msgids) > 100  # the extractor really read the templates
    missing = sorted(msgid for msgid in msgids if not danish.get(msgid))
    assert missing == [], "run scripts/update_catalogs.sh and translate these in da/…po"


async def test_a_danish_mentor_reads_danish_and_an_english_one_english(console: Console) -> None:
    mette, _youths = await mentor_with_youths(console.harness, 501, ["Ada"], 601)
    client = await console.signed_in(mette)
    page = await (await client.get("/")).text()
    assert "Mine unge" in page and "Log ud" in page and 'lang="da"' in page
    await client.close()

    john = console.harness.user(502, "John", language_code="en")
    from storage.models import Role

    await console.harness.onboard(john, Role.MENTOR, locale_label="English")
    client = await console.signed_in(john)
    page = await (await client.get("/")).text()
    assert "My young people" in page and "Sign out" in page and 'lang="en"' in page
    await client.close()
