"""How publishing answers read: the change summary, refusals with lint messages, /scripts.

Everything staff wrote (file names, ids, lint messages quoting their text) is HTML-escaped, and
every message is trimmed to fit Telegram's 4096 characters.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import ngettext

from bot.dialogs import LintMessage
from bot.dialogs.lint_da import render
from bot.dialogs.model import Localized
from bot.services.script_analytics import StepFigures
from bot.services.script_changes import TITLE, LibraryChanges, ScriptChanges
from bot.services.script_publishing import (
    MAX_UPLOAD_BYTES,
    Draft,
    Published,
    Refused,
    ScriptOverview,
    UploadProblem,
    VersionInfo,
)

# Room for the words around the list inside Telegram's 4096 characters.
_LIST_BUDGET = 3300
_MAX_IDS = 12


def pick(text: Localized, locale: str) -> str:
    return text.get(locale) or text.get("da") or next(iter(text.values()), "")


def fit_lines(lines: Sequence[str], budget: int = _LIST_BUDGET) -> list[str]:
    """As many lines as fit in `budget` characters, then how many more there are."""
    out: list[str] = []
    used = 0
    for i, line in enumerate(lines):
        if used + len(line) + 1 > budget:
            out.append(_("… and {count} more").format(count=len(lines) - i))
            break
        out.append(line)
        used += len(line) + 1
    return out


def lint_lines(messages: Iterable[LintMessage], locale: str = "en") -> list[str]:
    """The checker's messages in the staff member's language (Danish or English)."""
    return fit_lines([f"<code>{html.escape(render(m, locale))}</code>" for m in messages])


def _ids(ids: Sequence[str]) -> str:
    shown = [html.escape(i) for i in ids[:_MAX_IDS]]
    if len(ids) > _MAX_IDS:
        shown.append("…")
    return ", ".join(shown)


def refusal_text(refused: Refused, name: str | None = None, locale: str = "en") -> str:
    problem = refused.problem
    if problem is UploadProblem.NOT_STAFF:
        return _(
            "Thanks for the file! Only staff can change Fremad's conversations, so I have not "
            "read it. If it is meant for your contact person, send it to them directly."
        )
    if problem is UploadProblem.NOT_YAML:
        return _(
            "I can only publish dialog scripts: a text file whose name ends in .yaml. "
            "The guide in dialogs/README.md shows how one looks."
        )
    if problem is UploadProblem.TOO_LARGE:
        return _(
            "That file is too large for a dialog script (the limit is {limit} KB), so I have "
            "not downloaded it. Is it the right file?"
        ).format(limit=MAX_UPLOAD_BYTES // 1024)
    if problem is UploadProblem.NOT_PUBLISHABLE:
        return _(
            "This is the sub-goal catalogue. It cannot be published in the bot: change "
            "dialogs/subgoals.local.yaml on the server and restart Fremad."
        )
    if problem is UploadProblem.VERSION_NOT_HIGHER:
        return _(
            "This file says <code>version: {version}</code>, but version {highest} is already "
            "stored. Set <code>version: {next}</code> in the file and send it again."
        ).format(version=refused.version, highest=refused.highest, next=(refused.highest or 0) + 1)
    if problem is UploadProblem.KIND_CHANGED:
        return _(
            "This script is a <code>{kind}</code> script and must stay one (the bot uses it "
            "for that). Set <code>kind: {kind}</code>, or give the file a new id."
        ).format(kind=html.escape(refused.kind or ""))
    if problem is UploadProblem.EXPIRED:
        return _("That upload is no longer waiting. Send the file again to publish it.")
    head = _("<b>{name}</b> has mistakes, so I have not published it:").format(
        name=html.escape(name or "")
    )
    tail = _("Fix them (line:column shows where) and send the file again.")
    return "\n".join([head, *lint_lines(refused.messages, locale), tail])


def _script_change_lines(changes: ScriptChanges) -> list[str]:
    lines = []
    if changes.steps_added:
        lines.append(_("Steps added: {ids}").format(ids=_ids(changes.steps_added)))
    if changes.steps_removed:
        lines.append(_("Steps removed: {ids}").format(ids=_ids(changes.steps_removed)))
    if changes.steps_changed:
        lines.append(_("Steps changed: {ids}").format(ids=_ids(changes.steps_changed)))
    if changes.steps_reordered:
        lines.append(_("The order of the steps changed."))
    for lang, ids in changes.texts_changed.items():
        named = [_("title") if i == TITLE else i for i in ids]
        lines.append(
            _("Texts changed ({lang}): {ids}").format(lang=html.escape(lang), ids=_ids(named))
        )
    return lines


def _library_change_lines(changes: LibraryChanges) -> list[str]:
    lines = []
    if changes.prompts_added:
        lines.append(_("Prompts added: {ids}").format(ids=_ids(changes.prompts_added)))
    if changes.prompts_removed:
        lines.append(_("Prompts removed: {ids}").format(ids=_ids(changes.prompts_removed)))
    if changes.prompts_changed:
        lines.append(_("Prompts changed: {ids}").format(ids=_ids(changes.prompts_changed)))
    if changes.ladders_changed:
        lines.append(_("Step ladders changed: {ids}").format(ids=_ids(changes.ladders_changed)))
    return lines


def draft_text(draft: Draft, locale: str) -> str:
    title = html.escape(pick(draft.title, locale))
    lines = [
        _("<b>{name}</b> is fine. ✓").format(name=html.escape(draft.name)),
        f"<b>{title}</b> (<code>{html.escape(draft.script_id)}</code>)",
    ]
    if draft.active_version is None:
        lines.append(_("A new script, version {version}.").format(version=draft.version))
    else:
        lines.append(
            _("Version {old} → {new}").format(old=draft.active_version, new=draft.version)
        )
    changes = draft.changes
    if isinstance(changes, ScriptChanges):
        change_lines = _script_change_lines(changes)
    else:
        change_lines = _library_change_lines(changes)
    if not changes.is_new:
        lines += change_lines or [_("Nothing changed but the version number.")]
    lines.append(_("Languages: {langs}").format(langs=html.escape(", ".join(draft.languages))))
    if draft.missing_en:
        lines.append(
            ngettext(
                "⚠️ {count} text has no English: young people who chose English see the "
                "Danish text there.",
                "⚠️ {count} texts have no English: young people who chose English see the "
                "Danish text there.",
                len(draft.missing_en),
            ).format(count=len(draft.missing_en))
        )
    if draft.warnings:
        lines.append(_("Advice from the checker:"))
        lines += fit_lines([html.escape(render(m, locale)) for m in draft.warnings], budget=1200)
    lines.append(
        _(
            "Publish it? New conversations use it at once; conversations already under way "
            "finish on the version they started with."
        )
    )
    return "\n".join(lines)


def published_text(published: Published, locale: str) -> str:
    return _(
        "Published: <b>{title}</b> version {version} is now in use for new conversations. "
        "Conversations under way finish on their version."
    ).format(title=html.escape(pick(published.title, locale)), version=published.version)


def activated_text(published: Published, locale: str) -> str:
    return _(
        "<b>{title}</b>: version {version} is in use again for new conversations "
        "(was version {previous})."
    ).format(
        title=html.escape(pick(published.title, locale)),
        version=published.version,
        previous=published.previous_version,
    )


def _day(at: datetime, tz: ZoneInfo) -> str:
    return at.astimezone(tz).strftime("%d.%m.%Y")


def overview_text(scripts: Sequence[ScriptOverview], locale: str, tz: ZoneInfo) -> str:
    lines = [_("<b>Dialog scripts</b> — the version new conversations use:")]
    for item in scripts:
        lines.append(
            _("• {title} (<code>{id}</code>): version {version}, since {day}").format(
                title=html.escape(pick(item.title, locale)),
                id=html.escape(item.script_id),
                version=item.active_version,
                day=_day(item.published_at, tz),
            )
        )
    lines.append(
        _(
            "To publish a change, send me the .yaml file. Tap a script to see its versions "
            "and roll back."
        )
    )
    return "\n".join(fit_lines(lines))


def _seconds(value: float | None) -> str:
    if value is None:
        return "—"
    if value < 90:
        return _("{n} s").format(n=round(value))
    if value < 90 * 60:
        return _("{n} min").format(n=round(value / 60))
    return _("{n} h").format(n=round(value / 3600, 1))


def analytics_text(script_id: str, figures: Sequence[StepFigures]) -> str:
    """Per question of the version in use: the last four weeks, where people drop off."""
    lines = [_("<b>{id}</b> — the last 4 weeks, per question:").format(id=html.escape(script_id))]
    if not any(f.reached for f in figures):
        lines.append(_("Nobody has been asked these questions in the last 4 weeks."))
    for item in figures:
        lines.append(
            _(
                "• <code>{step}</code>: reached {reached}, answered {answered}, skipped "
                "{skipped}, median time to answer {median}"
            ).format(
                step=html.escape(item.step_id),
                reached=item.reached,
                answered=item.answered,
                skipped=item.skipped,
                median=_seconds(item.median_seconds),
            )
        )
    lines.append(_("Reached but neither answered nor skipped: they stopped at that question."))
    return "\n".join(fit_lines(lines))


def history_text(script_id: str, versions: Sequence[VersionInfo], tz: ZoneInfo) -> str:
    lines = [_("<b>{id}</b> — stored versions:").format(id=html.escape(script_id))]
    for item in versions:
        origin = _("shipped with Fremad") if item.shipped else _("published by staff")
        marker = _(" — in use") if item.is_active else ""
        lines.append(
            _("• version {version}, {day}, {origin}{marker}").format(
                version=item.version, day=_day(item.published_at, tz), origin=origin, marker=marker
            )
        )
    if len(versions) < 2:
        lines.append(_("There is no other version to go back to."))
    return "\n".join(fit_lines(lines))
