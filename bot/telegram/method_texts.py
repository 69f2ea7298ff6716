"""The method's lines in a summary: talk requests, distance travelled, demands, measures.
Call inside the reader's locale."""

from __future__ import annotations

import html

from aiogram.utils.i18n import gettext as _

from bot.dialogs import SubgoalCatalogue
from bot.services.figures import MethodFacts


def method_lines(
    method: MethodFacts | None, locale: str, catalogue: SubgoalCatalogue
) -> list[str]:
    if method is None:
        return []
    lines: list[str] = []
    talk = method.talk
    if talk.asked:
        line = _("🗣 Asked to talk: {asked}").format(asked=talk.asked)
        if talk.median_minutes is not None:
            line += " · " + _("answered after {minutes} min (median)").format(
                minutes=talk.median_minutes
            )
        waiting = talk.asked - talk.answered
        if waiting:
            line += " · " + _("{count} still without a time").format(count=waiting)
        lines.append(line)
    if method.distance:
        moved = [
            f"{html.escape(catalogue.name(d.subgoal, locale))} {d.first}→{d.latest}"
            for d in method.distance
            if d.moved
        ]
        if moved:
            lines.append(
                _("🧭 Since the first joint review: {moves}").format(moves=" · ".join(moved))
            )
        else:
            lines.append(_("🧭 Since the first joint review: no change yet"))
    if method.demands:
        marks = {"done": "✅", "too_much": "✋", "missed": "↻", "open": "⏳"}
        lines.append(
            _("🎯 Demands: {demands}").format(
                demands=" · ".join(
                    f"{marks.get(d.status, '⏳')} {html.escape(d.text)}" for d in method.demands
                )
            )
        )
    if method.measures:
        lines.append(
            _("📏 This week: {measures}").format(
                measures=" · ".join(
                    _("{subgoal} yes {yes} of {asked}").format(
                        subgoal=html.escape(catalogue.name(m.subgoal, locale)),
                        yes=m.yes,
                        asked=m.asked,
                    )
                    for m in method.measures
                )
            )
        )
    return lines
