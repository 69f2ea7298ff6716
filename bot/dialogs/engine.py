"""The dialog interpreter: pure functions from (script, state, answer) to the next `Turn`.

No Telegram, no database, no clock of its own: the caller persists `Turn.state` (a small JSON
dict) between updates, sends `Turn.messages` with `Turn.buttons` under the last one, stores
`Turn.recorded`, runs crisis detection on `Turn.crisis_check`, and performs `Turn.actions`.
A conversation that started on script version N must be continued with version N — `answer`
refuses a state from another version rather than guess.
"""

from __future__ import annotations

import copy
import html
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal, NamedTuple, TypeAlias

from bot.dialogs import inputs
from bot.dialogs.conditions import evaluate
from bot.dialogs.model import END, Localized, Option, Script, Step, StepType
from bot.dialogs.render import ANSWER_PREFIX, render
from bot.dialogs.subgoals import SubgoalCatalogue
from bot.dialogs.texts import EngineTexts, TextKey, default_texts

SKIP = "_skip"
DONE = "_done"
YES = "yes"
NO = "no"
# Message steps advance on their own; this bounds a run of them (the linter already refuses
# loops without a question, this keeps a bad runtime condition from hanging a worker).
MAX_AUTO_STEPS = 500

InputKind: TypeAlias = StepType | Literal["share", "none"]


class Button(NamedTuple):
    label: str
    value: str


@dataclass(frozen=True, slots=True)
class RecordedAnswer:
    key: str
    """Stable answer key; a for_each step saves `KEY.SUBGOAL_ID`."""
    value: Any
    """int (scale, whole number), float, str (choice value, text, "HH:MM", ISO date),
    bool (yes_no), list[str] (multi_choice), or None when skipped."""
    step_id: str
    subgoal: str | None = None
    metric: str | None = None
    skipped: bool = False
    shared_with_mentor: bool | None = None
    """For free text: whether the youth let the mentor read it. None for other steps."""


@dataclass(frozen=True, slots=True)
class Turn:
    state: dict[str, Any]
    messages: tuple[str, ...]
    """Telegram-HTML texts to send in order; `buttons` belong under the last one."""
    input: InputKind
    buttons: tuple[Button, ...] = ()
    finished: bool = False
    recorded: tuple[RecordedAnswer, ...] = ()
    error: TextKey | None = None
    """Set when the answer was refused and the same question is asked again."""
    step_id: str | None = None
    step_index: int | None = None
    actions: tuple[str, ...] = ()
    crisis_check: tuple[str, ...] = ()
    """Free texts received in this turn that the caller must run through crisis detection."""

    @property
    def text(self) -> str:
        return self.messages[-1] if self.messages else ""


@dataclass(frozen=True)
class DialogContext:
    locale: str = "da"
    variables: Mapping[str, object] = field(default_factory=dict)
    """Values for {first_name}, {streak}, ... and for `var:` conditions."""
    active_subgoals: Sequence[str] = ()
    catalogue: SubgoalCatalogue | None = None
    texts: EngineTexts = default_texts
    today: date | None = None
    """The youth's local date; needed by date steps."""


class StateMismatch(ValueError):
    """The state belongs to another script or version than the one passed in."""


class DialogRuntimeError(RuntimeError):
    """The script cannot continue (e.g. a loop that never waits for an answer)."""


@dataclass
class _Out:
    messages: list[str] = field(default_factory=list)
    recorded: list[RecordedAnswer] = field(default_factory=list)
    actions: list[str] = field(default_factory=list)
    crisis: list[str] = field(default_factory=list)


def _pick(text: Localized, locale: str) -> str:
    return text.get(locale) or text.get(locale.split("-")[0]) or text["da"]


def new_state(script: Script) -> dict[str, Any]:
    return {
        "script_id": script.id,
        "version": script.version,
        "step": None,
        "answers": {},
        "loop": None,
        "pending": None,
        "share": None,
        "seq": 0,
        "finished": False,
    }


def start(script: Script, context: DialogContext) -> Turn:
    """Begin a conversation: runs leading message steps and stops at the first question."""
    state = new_state(script)
    return _advance(script, state, context, script.start, _Out())


def current(script: Script, state: Mapping[str, Any], context: DialogContext) -> Turn:
    """Show the open question again (after a restart, an expired button, /start ...)."""
    state = _checked_copy(script, state)
    if state["finished"] or state["step"] is None:
        return Turn(state, (), "none", finished=True)
    if state["share"] is not None:
        state["seq"] -= 1  # re-showing, not a new prompt
        return _ask_share(script, state, context, _Out())
    return _ask(script, state, context, _Out(), new_prompt=False)


def answer(
    script: Script, state: Mapping[str, Any], raw_answer: str, context: DialogContext
) -> Turn:
    """Apply one answer — a button value or typed text — and return what to show next."""
    state = _checked_copy(script, state)
    if state["finished"] or state["step"] is None:
        return Turn(state, (), "none", finished=True)
    step = script.step(state["step"])
    out = _Out()
    raw = raw_answer.strip()

    if state["share"] is not None:
        return _answer_share(script, state, context, step, raw, out)
    if raw == SKIP and step.optional:
        _record(state, step, None, out, skipped=True)
        return _after_answer(script, state, context, step, out, None)

    value: Any
    if step.type == "choice":
        option = _match_option(_options(step, context), raw, context.locale)
        if option is None:
            return _reask(script, state, context, step, inputs.Invalid("invalid_choice"))
        _record(state, step, option.value, out)
        return _after_answer(script, state, context, step, out, option)
    if step.type == "multi_choice":
        return _answer_multi(script, state, context, step, raw, out)
    parsed = _parse(step, raw, context)
    if isinstance(parsed, inputs.Invalid):
        return _reask(script, state, context, step, parsed)
    value = parsed
    if step.type == "text":
        out.crisis.append(value)
        if step.share_with_mentor == "ask":
            state["share"] = value
            return _ask_share(script, state, context, out)
        _record(state, step, value, out, shared=step.share_with_mentor == "always")
    else:
        _record(state, step, value, out)
    return _after_answer(script, state, context, step, out, None)


def _checked_copy(script: Script, state: Mapping[str, Any]) -> dict[str, Any]:
    if state.get("script_id") != script.id or state.get("version") != script.version:
        raise StateMismatch(
            f"state is for {state.get('script_id')} v{state.get('version')}, "
            f"not {script.id} v{script.version}"
        )
    return copy.deepcopy(dict(state))


def _parse(step: Step, raw: str, context: DialogContext) -> Any:
    if step.type == "scale":
        return inputs.parse_scale(step, raw)
    if step.type == "number":
        return inputs.parse_number(step, raw)
    if step.type == "yes_no":
        return _parse_yes_no(raw, context)
    if step.type == "time":
        return inputs.parse_time(raw)
    if step.type == "date":
        return inputs.parse_date(step, _date_button_value(raw, context), _today(context))
    return inputs.parse_text(step, raw)


def _today(context: DialogContext) -> date:
    if context.today is None:
        raise DialogRuntimeError("a date step needs DialogContext.today")
    return context.today


def _parse_yes_no(raw: str, context: DialogContext) -> bool | inputs.Invalid:
    word = raw.lower()
    if word in (context.texts("yes", context.locale).lower(), YES):
        return True
    if word in (context.texts("no", context.locale).lower(), NO):
        return False
    return inputs.parse_yes_no(raw)


def _date_button_value(raw: str, context: DialogContext) -> str:
    """A typed button label ("I morgen") counts like a tap on that button."""
    for key in inputs.DATE_BUTTONS:
        if raw.lower() == context.texts(key, context.locale).lower():
            return key
    return raw


def _loop_item(state: Mapping[str, Any]) -> str | None:
    loop = state["loop"]
    return None if loop is None else str(loop["items"][loop["index"]])


def _record(
    state: dict[str, Any],
    step: Step,
    value: Any,
    out: _Out,
    *,
    skipped: bool = False,
    shared: bool | None = None,
) -> None:
    assert step.key is not None  # the schema requires a key on every question step
    item = _loop_item(state)
    key = f"{step.key}.{item}" if item else step.key
    state["answers"][key] = value
    out.recorded.append(
        RecordedAnswer(
            key=key,
            value=value,
            step_id=step.id,
            subgoal=item or step.subgoal,
            metric=step.metric,
            skipped=skipped,
            shared_with_mentor=shared,
        )
    )


def _after_answer(
    script: Script,
    state: dict[str, Any],
    context: DialogContext,
    step: Step,
    out: _Out,
    option: Option | None,
) -> Turn:
    loop = state["loop"]
    if loop is not None and loop["index"] + 1 < len(loop["items"]):
        loop["index"] += 1
        return _ask(script, state, context, out)
    state["loop"] = None
    return _advance(script, state, context, _route(script, state, context, step, option), out)


def _route(
    script: Script,
    state: Mapping[str, Any],
    context: DialogContext,
    step: Step,
    option: Option | None,
) -> str:
    for branch in step.branches:
        if evaluate(branch.when, state["answers"], context.variables):
            return branch.goto
    if option is not None and option.next:
        return option.next
    return step.next or script.following(step.id)


def _advance(
    script: Script, state: dict[str, Any], context: DialogContext, target: str, out: _Out
) -> Turn:
    for _ in range(MAX_AUTO_STEPS):
        if target == END:
            state.update(step=None, loop=None, pending=None, share=None, finished=True)
            return _turn(state, out, "none", finished=True)
        step = script.step(target)
        if step.skip_if is not None and evaluate(
            step.skip_if, state["answers"], context.variables
        ):
            target = step.next or script.following(step.id)
            continue
        if step.for_each:
            items = _loop_items(context)
            if not items:
                target = step.next or script.following(step.id)
                continue
            state["loop"] = {"items": items, "index": 0}
        if step.type == "message":
            values = _answer_values(script, state, context)
            out.messages.append(render(_pick(step.text, context.locale), values))
            if step.action:
                out.actions.append(step.action)
            target = _route(script, state, context, step, None)
            continue
        state["step"] = step.id
        return _ask(script, state, context, out)
    raise DialogRuntimeError(f"script {script.id} ran {MAX_AUTO_STEPS} steps without a question")


def _loop_items(context: DialogContext) -> list[str]:
    if context.catalogue is None:
        return list(context.active_subgoals)
    return context.catalogue.ordered(context.active_subgoals)


def _values(state: Mapping[str, Any], context: DialogContext) -> dict[str, object]:
    """Variables for rendering: the caller's, the current loop's sub-goal, earlier answers."""
    values: dict[str, object] = dict(context.variables)
    item = _loop_item(state)
    if item is not None:
        cat = context.catalogue
        values["subgoal"] = cat.youth_name(item, context.locale) if cat else item
        values["subgoal_description"] = cat.description(item, context.locale) if cat else ""
    for key, value in state["answers"].items():
        values[ANSWER_PREFIX + key] = value
    return values


def _answer_values(
    script: Script, state: Mapping[str, Any], context: DialogContext
) -> dict[str, object]:
    values = _values(state, context)
    for step in script.steps:
        name = ANSWER_PREFIX + (step.key or "")
        if step.key is None or name not in values:
            continue
        value = values[name]
        if step.type in ("choice", "multi_choice"):
            labels = {b.value: b.label for b in _option_buttons(step, context)}
            if isinstance(value, list):
                values[name] = ", ".join(labels.get(str(v), str(v)) for v in value)
            elif isinstance(value, str):
                values[name] = labels.get(value, value)
        elif isinstance(value, bool):
            values[name] = context.texts("yes" if value else "no", context.locale)
        elif step.type == "date" and isinstance(value, str):
            values[name] = _display_date(value)
    return values


def _display_date(iso: str) -> str:
    """ISO → 24-12-2025: the form Danish readers (and the date parser) use."""
    try:
        return date.fromisoformat(iso).strftime("%d-%m-%Y")
    except ValueError:
        return iso


def _options(step: Step, context: DialogContext) -> list[Option]:
    if step.options_from is None:
        return list(step.options)
    cat = context.catalogue
    if step.options_from == "active_subgoals":
        ids = cat.ordered(context.active_subgoals) if cat else list(context.active_subgoals)
    else:
        ids = [s.id for s in cat] if cat else list(context.active_subgoals)
    if cat is None:
        return [Option(i, {"da": i}) for i in ids]
    # Scripts speak to young people: the sub-goals in their words.
    return [
        Option(
            i, {"da": cat.youth_name(i, "da"), context.locale: cat.youth_name(i, context.locale)}
        )
        for i in ids
    ]


def _option_buttons(step: Step, context: DialogContext) -> list[Button]:
    return [Button(_pick(o.label, context.locale), o.value) for o in _options(step, context)]


def _match_option(options: Sequence[Option], raw: str, locale: str) -> Option | None:
    folded = raw.casefold()
    for option in options:
        if raw == option.value or folded == _pick(option.label, locale).casefold():
            return option
    return None


def _buttons(step: Step, state: Mapping[str, Any], context: DialogContext) -> list[Button]:
    t, loc = context.texts, context.locale
    buttons: list[Button] = []
    if step.type == "choice":
        buttons = _option_buttons(step, context)
    elif step.type == "multi_choice":
        chosen = set(state["pending"] or [])
        mark = t("selected_mark", loc)
        buttons = [
            Button(f"{mark} {b.label}" if b.value in chosen else b.label, b.value)
            for b in _option_buttons(step, context)
        ]
        buttons.append(Button(t("done", loc), DONE))
    elif step.type == "scale":
        points = range(int(step.min or 0), int(step.max or 0) + 1)
        buttons = [Button(str(n), str(n)) for n in points]
    elif step.type == "yes_no":
        buttons = [Button(t("yes", loc), YES), Button(t("no", loc), NO)]
    elif step.type == "date":
        buttons = [
            Button(t(key, loc), key)
            for key, days in inputs.DATE_BUTTONS.items()
            if (step.min_days is None or days >= step.min_days)
            and (step.max_days is None or days <= step.max_days)
        ]
    if step.optional:
        buttons.append(Button(t("skip", loc), SKIP))
    return buttons


def _question_text(
    script: Script, step: Step, state: Mapping[str, Any], context: DialogContext
) -> str:
    values = _answer_values(script, state, context)
    text = render(_pick(step.text, context.locale), values)
    if step.type == "scale" and step.labels:
        # End and middle labels go under the question; the buttons stay short numbers.
        legend = "\n".join(
            f"{point} = {render(_pick(label, context.locale), values)}"
            for point, label in sorted(step.labels.items())
        )
        text = f"{text}\n\n{legend}"
    return text


def _turn(
    state: dict[str, Any],
    out: _Out,
    kind: InputKind,
    *,
    buttons: Sequence[Button] = (),
    finished: bool = False,
    error: TextKey | None = None,
    step_id: str | None = None,
    step_index: int | None = None,
) -> Turn:
    return Turn(
        state=state,
        messages=tuple(out.messages),
        input=kind,
        buttons=tuple(buttons),
        finished=finished,
        recorded=tuple(out.recorded),
        error=error,
        step_id=step_id,
        step_index=step_index,
        actions=tuple(out.actions),
        crisis_check=tuple(out.crisis),
    )


def _ask(
    script: Script,
    state: dict[str, Any],
    context: DialogContext,
    out: _Out,
    error: TextKey | None = None,
    *,
    new_prompt: bool = True,
) -> Turn:
    step = script.step(state["step"])
    if new_prompt:
        state["seq"] += 1
    if step.type == "multi_choice" and state["pending"] is None:
        state["pending"] = []
    out.messages.append(_question_text(script, step, state, context))
    return _turn(
        state,
        out,
        step.type,
        buttons=_buttons(step, state, context),
        error=error,
        step_id=step.id,
        step_index=script.index(step.id),
    )


def _reask(
    script: Script,
    state: dict[str, Any],
    context: DialogContext,
    step: Step,
    invalid: inputs.Invalid,
) -> Turn:
    out = _Out()
    out.messages.append(_invalid_text(step, invalid, context))
    return _ask(script, state, context, out, invalid.key, new_prompt=False)


def _invalid_text(step: Step | None, invalid: inputs.Invalid, context: DialogContext) -> str:
    if step is not None and step.invalid_text:
        return render(_pick(step.invalid_text, context.locale), {})
    text = context.texts(invalid.key, context.locale)
    for name, value in invalid.params.items():
        # Plain replace, not str.format: a translated text may contain other braces.
        text = text.replace("{" + name + "}", str(value))
    return html.escape(text, quote=False)


def _answer_multi(
    script: Script,
    state: dict[str, Any],
    context: DialogContext,
    step: Step,
    raw: str,
    out: _Out,
) -> Turn:
    options = _options(step, context)
    chosen: list[str] = list(state["pending"] or [])
    if raw == DONE or raw.casefold() == context.texts("done", context.locale).casefold():
        lo, hi = step.min_selected or 0, step.max_selected
        if len(chosen) < max(lo, 1 if not step.optional else 0):
            key: TextKey = "too_few_selected"
            return _reask(script, state, context, step, inputs.Invalid(key, {"min": max(lo, 1)}))
        if hi is not None and len(chosen) > hi:
            return _reask(
                script, state, context, step, inputs.Invalid("too_many_selected", {"max": hi})
            )
        order = [o.value for o in options]
        state["pending"] = None
        _record(state, step, sorted(chosen, key=order.index), out)
        return _after_answer(script, state, context, step, out, None)
    option = _match_option(options, raw, context.locale)
    if option is None:
        return _reask(script, state, context, step, inputs.Invalid("invalid_choice"))
    if option.value in chosen:
        chosen.remove(option.value)
    else:
        chosen.append(option.value)
    state["pending"] = chosen
    return _ask(script, state, context, out, new_prompt=False)


def _ask_share(script: Script, state: dict[str, Any], context: DialogContext, out: _Out) -> Turn:
    t, loc = context.texts, context.locale
    state["seq"] += 1
    out.messages.append(html.escape(t("share_question", loc), quote=False))
    step = script.step(state["step"])
    return _turn(
        state,
        out,
        "share",
        buttons=[Button(t("share_yes", loc), YES), Button(t("share_no", loc), NO)],
        step_id=step.id,
        step_index=script.index(step.id),
    )


def _answer_share(
    script: Script,
    state: dict[str, Any],
    context: DialogContext,
    step: Step,
    raw: str,
    out: _Out,
) -> Turn:
    t, loc = context.texts, context.locale
    if raw.casefold() == t("share_yes", loc).casefold():
        raw = YES
    elif raw.casefold() == t("share_no", loc).casefold():
        raw = NO
    shared = _parse_yes_no(raw, context)
    if isinstance(shared, inputs.Invalid):
        reask = _Out(messages=[_invalid_text(None, shared, context)])
        state["seq"] -= 1  # the same share question again, not a new prompt
        return _ask_share(script, state, context, reask)
    text = state["share"]
    state["share"] = None
    _record(state, step, text, out, shared=shared)
    return _after_answer(script, state, context, step, out, None)
