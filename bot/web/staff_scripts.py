"""Staff pages for scripts: each script's versions (who published them, when; rollback), the
editor with live checking and a preview that plays the script as a chat, and publishing with
the change summary — through the same ScriptPublishing as a file sent to the bot."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from typing import Any

from aiogram.utils.i18n import gettext as _
from aiohttp import web

from bot.dialogs import Script, current
from bot.services.script_publishing import (
    DRAFT_KEY,
    Published,
    Refused,
    ScriptPublishing,
    UploadProblem,
)
from bot.web.app import (
    console_of,
    db,
    locale_of,
    not_found,
    render,
    see_other,
    signed_in,
    staff_only,
)
from bot.web.script_preview import PreviewState, check_source, play, preview_context
from storage.repositories.dialogs import ScriptVersionsRepository
from storage.repositories.people import PeopleRepository


def _publishing(request: web.Request) -> ScriptPublishing:
    runtime = console_of(request).app.runtime
    return ScriptPublishing(db(request), runtime.clock, runtime.scripts, runtime.catalogue)


def _script_id(request: web.Request) -> str:
    return request.match_info["script_id"]


async def _form_source(request: web.Request) -> str:
    # Browsers send a textarea with CRLF line ends; the linter counts lines either way, the
    # stored version keeps the file's own LF.
    return str((await request.post()).get("source", "")).replace("\r\n", "\n")


@staff_only
async def scripts(request: web.Request) -> web.StreamResponse:
    overview = await _publishing(request).overview()
    return render(request, "scripts.html", {"scripts": overview})


@staff_only
async def script(request: web.Request) -> web.StreamResponse:
    script_id = _script_id(request)
    publishing = _publishing(request)
    known = {item.script_id: item for item in await publishing.overview()}
    if script_id not in known:
        return not_found(request)
    rows = await ScriptVersionsRepository(db(request)).history(script_id)
    people = PeopleRepository(db(request))
    names: dict[int, str] = {}
    for row in rows:
        if row.published_by_id is not None and row.published_by_id not in names:
            publisher = await people.by_id(row.published_by_id)
            names[row.published_by_id] = publisher.first_name if publisher else "–"
    return render(
        request,
        "script.html",
        {
            "item": known[script_id],
            "versions": rows,
            "names": names,
            "done": request.query.get("done", ""),
        },
    )


@staff_only
async def activate(request: web.Request) -> web.StreamResponse:
    raw = str((await request.post()).get("version", ""))
    if not raw.isdigit():
        return not_found(request)
    done = await _publishing(request).activate(
        signed_in(request).person, _script_id(request), int(raw)
    )
    if done is None:
        return not_found(request)
    return see_other(f"/staff/scripts/{done.script_id}?done=activated")


@staff_only
async def editor(request: web.Request) -> web.StreamResponse:
    script_id = _script_id(request)
    versions = ScriptVersionsRepository(db(request))
    wanted = request.query.get("version", "")
    if wanted.isdigit():
        row = await versions.get(script_id, int(wanted))
    else:
        runtime = console_of(request).app.runtime
        live = await runtime.scripts.active_document(db(request), script_id, runtime.clock.now())
        await db(request).commit()
        row = live.row if live else None
    if row is None:
        return not_found(request)
    checked = check_source(
        row.source, f"{script_id}.yaml", console_of(request).app.runtime.catalogue
    )
    return render(
        request,
        "editor.html",
        {
            "script_id": script_id,
            "row": row,
            "source": row.source,
            "checked": checked,
            "line_count": row.source.count("\n") + 1,
            "lang": locale_of(request),
        },
    )


@staff_only
async def check(request: web.Request) -> web.StreamResponse:
    source = await _form_source(request)
    runtime = console_of(request).app.runtime
    checked = check_source(source, f"{_script_id(request)}.yaml", runtime.catalogue)
    return render(
        request, "_check.html", {"checked": checked, "line_count": source.count("\n") + 1}
    )


def _button_label(script: Script, state: Mapping[str, Any], value: str, context: Any) -> str:
    try:
        buttons = current(script, state, context).buttons
    except (ValueError, KeyError):
        return value
    return next((b.label for b in buttons if b.value == value), value)


@staff_only
async def preview(request: web.Request) -> web.StreamResponse:
    form = await request.post()
    source = await _form_source(request)
    lang = "en" if form.get("lang") == "en" else "da"
    runtime = console_of(request).app.runtime
    checked = check_source(source, f"{_script_id(request)}.yaml", runtime.catalogue)
    if not checked.ok or checked.script is None:
        return render(
            request, "_preview.html", {"preview": None, "checked": checked, "lang": lang}
        )
    script = checked.script
    today = runtime.clock.now().astimezone(runtime.settings.tz).date()
    texts = runtime.engine_texts()
    previous = None if "restart" in form else PreviewState.load(str(form.get("state", "")))
    tapped = str(form.get("answer", ""))
    typed = str(form.get("typed", "")).strip()
    reply = tapped or typed or None
    shown = reply
    if tapped and previous is not None and previous.engine_state is not None:
        context = preview_context(script, lang, runtime.catalogue, texts, today)
        shown = _button_label(script, previous.engine_state, tapped, context)
    state = play(
        script,
        lang,
        previous,
        reply,
        catalogue=runtime.catalogue,
        texts=texts,
        today=today,
        shown_reply=shown,
    )
    return render(request, "_preview.html", {"preview": state, "checked": checked, "lang": lang})


class DraftInHand:
    """ScriptPublishing keeps a bot upload with the staff member's conversation until they
    tap Publish; here the reviewed text comes back with the form, so it is the draft."""

    def __init__(self, name: str, source: str, token: str) -> None:
        self.data: dict[str, Any] = {DRAFT_KEY: {"name": name, "source": source, "token": token}}

    async def get_state(self) -> str | None:
        return None

    async def set_state(self, state: str | None = None) -> None:
        return None

    async def get_data(self) -> dict[str, Any]:
        return dict(self.data)

    async def set_data(self, data: Mapping[str, Any]) -> None:
        self.data = dict(data)


def source_token(source: str) -> str:
    """The same token as Draft.token: names exactly the text that was reviewed."""
    return hashlib.sha256(source.encode("utf-8")).hexdigest()[:12]


def refusal_text(refused: Refused) -> str:
    texts = {
        UploadProblem.INVALID: _("The script has errors (marked in the editor). Fix them first."),
        UploadProblem.NOT_PUBLISHABLE: _("This is not a script or prompt library."),
        UploadProblem.VERSION_NOT_HIGHER: _(
            "Raise the version: this one is {version}, the highest stored is {highest}."
        ).format(version=refused.version, highest=refused.highest),
        UploadProblem.KIND_CHANGED: _(
            "A script keeps its kind: the running version is a {kind}."
        ).format(kind=refused.kind),
        UploadProblem.TOO_LARGE: _("The script is too large."),
        UploadProblem.EXPIRED: _(
            "The text changed after you reviewed it. Review the changes again."
        ),
    }
    return texts.get(refused.problem, _("This cannot be published."))


@staff_only
async def review(request: web.Request) -> web.StreamResponse:
    source = await _form_source(request)
    script_id = _script_id(request)
    checked = await _publishing(request).check_upload(source.encode("utf-8"), f"{script_id}.yaml")
    context: dict[str, Any] = {"script_id": script_id, "source": source}
    if isinstance(checked, Refused):
        context |= {"refused": refusal_text(checked), "messages": checked.messages}
        return render(request, "review.html", context | {"draft": None})
    if checked.script_id != script_id:
        context |= {"refused": _("The script's id must stay {id}.").format(id=script_id)}
        return render(request, "review.html", context | {"draft": None, "messages": ()})
    return render(request, "review.html", context | {"draft": checked, "refused": None})


@staff_only
async def publish(request: web.Request) -> web.StreamResponse:
    form = await request.post()
    source = await _form_source(request)
    script_id = _script_id(request)
    token = str(form.get("token", ""))
    in_hand = DraftInHand(f"{script_id}.yaml", source, source_token(source))
    result = await _publishing(request).publish(signed_in(request).person, in_hand, token)
    if isinstance(result, Published):
        return see_other(f"/staff/scripts/{result.script_id}?done=published")
    context = {"script_id": script_id, "source": source, "draft": None}
    return render(
        request,
        "review.html",
        context | {"refused": refusal_text(result), "messages": result.messages},
        status=409,
    )


def add_routes(app: web.Application) -> None:
    app.router.add_get("/staff/scripts", scripts, name="scripts")
    app.router.add_get("/staff/scripts/{script_id}", script, name="script")
    app.router.add_post("/staff/scripts/{script_id}/activate", activate, name="activate")
    app.router.add_get("/staff/scripts/{script_id}/edit", editor, name="editor")
    app.router.add_post("/staff/scripts/{script_id}/check", check, name="check")
    app.router.add_post("/staff/scripts/{script_id}/preview", preview, name="preview")
    app.router.add_post("/staff/scripts/{script_id}/review", review, name="review")
    app.router.add_post("/staff/scripts/{script_id}/publish", publish, name="publish")
