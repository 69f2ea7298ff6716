"""Texts, buttons and the star chart of the joint review. Call inside the reader's locale.

The young person reads each sub-goal in their own words (`youth_name`), the mentor the
programme's name — with the youth's words beside it where the two talk about one sub-goal."""

from __future__ import annotations

import html
from collections.abc import Sequence

from aiogram.filters.callback_data import CallbackData
from aiogram.types import BufferedInputFile, InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import ngettext

from bot.dialogs import SubgoalCatalogue
from bot.services.joint_review import INTERVAL_WEEKS, ReviewView, focus_of, subgoals_of
from bot.services.review_chart import RadarSeries, radar_png
from bot.telegram.figure_format import listed, quoted
from storage.models import JointReview, Person


class ReviewStart(CallbackData, prefix="jrs"):
    youth_id: int


class ReviewRate(CallbackData, prefix="jrr"):
    review: int
    subgoal: str
    value: int


class ReviewFocus(CallbackData, prefix="jrf"):
    review: int
    subgoal: str  # "" = done choosing: ask for the weeks to the next review


class ReviewClose(CallbackData, prefix="jrc"):
    review: int
    weeks: int


def journey_lines() -> list[str]:
    """One short sentence per step of the 1–10 journey scale."""
    return [
        _("1–2 · I'm stuck — it feels like too much right now."),
        _("3–4 · I'd like some help with it."),
        _("5–6 · I believe I can, and I'm trying."),
        _("7–8 · I'm learning what works for me."),
        _("9–10 · I handle it myself most of the time."),
    ]


def youths_keyboard(youths: Sequence[Person]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [
                InlineKeyboardButton(
                    text=y.first_name, callback_data=ReviewStart(youth_id=y.id).pack()
                )
            ]
            for y in youths
        ]
    )


def youth_intro(youth: Person, mentor: Person) -> str:
    return _(
        "Time for your joint review with {mentor}, {name}! 🧭 You each give your own view of "
        "where you are on your sub-goals — then you look at it together. There are no wrong "
        "answers."
    ).format(mentor=html.escape(mentor.first_name), name=html.escape(youth.first_name))


def rating_question(
    review: JointReview,
    subgoal: str,
    catalogue: SubgoalCatalogue,
    locale: str,
    *,
    about: Person | None,
) -> tuple[str, InlineKeyboardMarkup]:
    """The question for one sub-goal: to the youth (``about`` None) or the mentor."""
    names = subgoals_of(review)
    name = html.escape(catalogue.name_for(subgoal, locale, youth=about is None))
    head = f"<b>{name}</b> ({names.index(subgoal) + 1}/{len(names)})"
    description = html.escape(catalogue.description(subgoal, locale))
    words = catalogue.youth_name(subgoal, locale)
    if about is not None and words != catalogue.name(subgoal, locale):
        # They talk it through together: the mentor knows the words the youth reads.
        head += "\n" + _("{name} sees it as “{words}”.").format(
            name=html.escape(about.first_name), words=html.escape(words)
        )
    ask = (
        _("Where are you right now?")
        if about is None
        else _("Where do you see {name} right now?").format(name=html.escape(about.first_name))
    )
    text = "\n".join([head, f"<i>{description}</i>", "", ask, *journey_lines()])
    buttons = [
        InlineKeyboardButton(
            text=str(v),
            callback_data=ReviewRate(review=review.id, subgoal=subgoal, value=v).pack(),
        )
        for v in range(1, 11)
    ]
    return text, InlineKeyboardMarkup(inline_keyboard=[buttons[:5], buttons[5:]])


def waiting_for_other(other: Person) -> str:
    return _("Thanks! Saved. When {name} is done too, you both get the picture.").format(
        name=html.escape(other.first_name)
    )


def _pair(now: int | None, last: int | None, has_last: bool) -> str:
    shown = "–" if now is None else str(now)
    if not has_last:
        return shown
    return _("{now} (last {last})").format(now=shown, last="–" if last is None else last)


def view_text(
    view: ReviewView,
    mentor: Person,
    catalogue: SubgoalCatalogue,
    locale: str,
    *,
    for_youth: bool,
) -> str:
    """Both ratings side by side, with the last review's in brackets."""
    youth = view.youth
    lines = [
        _("<b>Joint review · {name}</b>").format(name=html.escape(youth.first_name)),
        _("{youth} / {mentor} — 1–10").format(
            youth=html.escape(youth.first_name), mentor=html.escape(mentor.first_name)
        ),
    ]
    for row in view.rows:
        lines.append(
            f"{html.escape(catalogue.name_for(row.subgoal, locale, youth=for_youth))}: "
            f"{_pair(row.youth_now, row.youth_last, view.has_last)} / "
            f"{_pair(row.mentor_now, row.mentor_last, view.has_last)}"
        )
    return "\n".join(lines)


def view_chart(
    view: ReviewView,
    mentor: Person,
    catalogue: SubgoalCatalogue,
    locale: str,
    *,
    for_youth: bool,
) -> BufferedInputFile:
    spokes = [catalogue.name_for(row.subgoal, locale, youth=for_youth) for row in view.rows]
    series = [
        RadarSeries(
            _("{name} now").format(name=view.youth.first_name),
            [r.youth_now for r in view.rows],
            "#16a085",
            filled=True,
        )
    ]
    if view.has_last:
        series.append(
            RadarSeries(
                _("{name} last time").format(name=view.youth.first_name),
                [r.youth_last for r in view.rows],
                "#7f8c8d",
            )
        )
    series.append(RadarSeries(mentor.first_name, [r.mentor_now for r in view.rows], "#e67e22"))
    png = radar_png(_("Joint review · {name}").format(name=view.youth.first_name), spokes, series)
    return BufferedInputFile(png, filename=f"fremad-review-{view.review.id}.png")


def focus_prompt(youth: Person) -> str:
    return _(
        "Agree the focus with {name}: pick 1–3 sub-goals for the weeks ahead, then tap Next."
    ).format(name=html.escape(youth.first_name))


def focus_keyboard(
    review: JointReview, catalogue: SubgoalCatalogue, locale: str
) -> InlineKeyboardMarkup:
    chosen = set(focus_of(review))
    rows = [
        [
            InlineKeyboardButton(
                text=("☑ " if s in chosen else "▫ ") + catalogue.name(s, locale),
                callback_data=ReviewFocus(review=review.id, subgoal=s).pack(),
            )
        ]
        for s in subgoals_of(review)
    ]
    rows.append(
        [
            InlineKeyboardButton(
                text=_("Next →"), callback_data=ReviewFocus(review=review.id, subgoal="").pack()
            )
        ]
    )
    return InlineKeyboardMarkup(inline_keyboard=rows)


def interval_prompt() -> str:
    return _("When should the next joint review be?")


def interval_keyboard(review: JointReview) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [
                InlineKeyboardButton(
                    text=ngettext("{weeks} week", "{weeks} weeks", w).format(weeks=w),
                    callback_data=ReviewClose(review=review.id, weeks=w).pack(),
                )
                for w in INTERVAL_WEEKS
            ]
        ]
    )


def focus_names(
    review: JointReview, catalogue: SubgoalCatalogue, locale: str, *, for_youth: bool
) -> str:
    if for_youth:
        # The youth's words are phrases, some with a comma: quoted, "„a“ og „b“".
        return listed(
            [
                quoted(html.escape(catalogue.youth_name(s, locale)), locale)
                for s in focus_of(review)
            ],
            locale,
        )
    return ", ".join(html.escape(catalogue.name(s, locale)) for s in focus_of(review))


def closed_for_youth(
    review: JointReview, mentor: Person, catalogue: SubgoalCatalogue, locale: str
) -> str:
    assert review.next_due_on is not None
    return _(
        "🧭 You and {mentor} agreed your focus: <b>{focus}</b>. Next joint review: {date}. "
        "{mentor} believes you can move forward — one step at a time."
    ).format(
        mentor=html.escape(mentor.first_name),
        focus=focus_names(review, catalogue, locale, for_youth=True),
        date=review.next_due_on.strftime("%d.%m.%Y"),
    )


def closed_for_mentor(
    review: JointReview, youth: Person, catalogue: SubgoalCatalogue, locale: str
) -> str:
    assert review.next_due_on is not None
    return _(
        "Saved. Focus for {name}: <b>{focus}</b>. Next joint review: {date}. Now set the next "
        "demand for each focus sub-goal:"
    ).format(
        name=html.escape(youth.first_name),
        focus=focus_names(review, catalogue, locale, for_youth=False),
        date=review.next_due_on.strftime("%d.%m.%Y"),
    )


def review_due_text(youth: Person) -> str:
    return _(
        "🧭 Time for a joint review with {name}: you each rate the sub-goals, then look at it "
        "together. Start it when you meet:"
    ).format(name=html.escape(youth.first_name))
