"""What an uploaded script changes against the active version, in words staff can check.

A step is *changed* when anything but its wording changed (type, key, options, branches, limits,
where it goes next). Wording is compared per language, so staff see at a glance that a Danish
edit was not carried over to English.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from bot.dialogs import Prompt, PromptLibrary, Script, Step
from bot.dialogs.model import Localized

TITLE = "title"
"""Stands for the script's title in `texts_changed`."""


@dataclass(frozen=True)
class ScriptChanges:
    """Step ids per kind of change; `texts_changed` maps a language to the steps (or TITLE)
    whose wording in that language changed."""

    is_new: bool
    steps_added: tuple[str, ...] = ()
    steps_removed: tuple[str, ...] = ()
    steps_changed: tuple[str, ...] = ()
    steps_reordered: bool = False
    texts_changed: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    @property
    def anything(self) -> bool:
        return bool(
            self.is_new
            or self.steps_added
            or self.steps_removed
            or self.steps_changed
            or self.steps_reordered
            or any(self.texts_changed.values())
        )


def _without_texts(value: Any) -> Any:
    """The shape of a step with every text and every file position left out."""
    if isinstance(value, dict):
        out = {}
        for key, item in value.items():
            if key in ("path", "text", "invalid_text", "label"):
                continue
            out[key] = sorted(item) if key == "labels" else _without_texts(item)
        return out
    if isinstance(value, list | tuple):
        return [_without_texts(item) for item in value]
    return value


def _step_texts(step: Step) -> dict[str, Localized]:
    texts: dict[str, Localized] = {"text": step.text}
    if step.invalid_text is not None:
        texts["invalid_text"] = step.invalid_text
    for option in step.options:
        texts[f"option.{option.value}"] = option.label
    for number, label in step.labels.items():
        texts[f"label.{number}"] = label
    return texts


def _languages(texts: Mapping[str, Localized]) -> set[str]:
    return {lang for text in texts.values() for lang in text}


def _text_differs(old: Mapping[str, Localized], new: Mapping[str, Localized], lang: str) -> bool:
    names = set(old) | set(new)
    return any(old.get(n, {}).get(lang) != new.get(n, {}).get(lang) for n in names)


def script_languages(script: Script) -> tuple[str, ...]:
    langs = set(script.title)
    for step in script.steps:
        langs |= _languages(_step_texts(step))
    return tuple(sorted(langs, key=lambda lang: (lang != "da", lang != "en", lang)))


def compare_scripts(old: Script | None, new: Script) -> ScriptChanges:
    if old is None:
        return ScriptChanges(is_new=True)
    old_steps = {s.id: s for s in old.steps}
    new_steps = {s.id: s for s in new.steps}
    common = [s.id for s in new.steps if s.id in old_steps]
    changed = tuple(
        i
        for i in common
        if _without_texts(dataclasses.asdict(old_steps[i]))
        != _without_texts(dataclasses.asdict(new_steps[i]))
    )
    old_order = [s.id for s in old.steps if s.id in new_steps]
    langs = sorted(set(script_languages(old)) | set(script_languages(new)))
    texts: dict[str, tuple[str, ...]] = {}
    for lang in langs:
        ids = [TITLE] if old.title.get(lang) != new.title.get(lang) else []
        ids += [
            i
            for i in common
            if _text_differs(_step_texts(old_steps[i]), _step_texts(new_steps[i]), lang)
        ]
        if ids:
            texts[lang] = tuple(ids)
    return ScriptChanges(
        is_new=False,
        steps_added=tuple(s.id for s in new.steps if s.id not in old_steps),
        steps_removed=tuple(s.id for s in old.steps if s.id not in new_steps),
        steps_changed=changed,
        steps_reordered=old_order != common,
        texts_changed=texts,
    )


@dataclass(frozen=True)
class LibraryChanges:
    """Prompt ids added/removed/reworded, and the sub-goals whose step ladder changed."""

    is_new: bool
    prompts_added: tuple[str, ...] = ()
    prompts_removed: tuple[str, ...] = ()
    prompts_changed: tuple[str, ...] = ()
    ladders_changed: tuple[str, ...] = ()

    @property
    def anything(self) -> bool:
        return bool(
            self.is_new
            or self.prompts_added
            or self.prompts_removed
            or self.prompts_changed
            or self.ladders_changed
        )


def _prompt_shape(prompt: Prompt) -> tuple[object, ...]:
    return (prompt.rule, prompt.subgoal, dict(prompt.text))


def compare_libraries(old: PromptLibrary | None, new: PromptLibrary) -> LibraryChanges:
    if old is None:
        return LibraryChanges(is_new=True)
    before = {p.id: p for p in old.prompts}
    after = {p.id: p for p in new.prompts}

    def ladder(library: PromptLibrary, subgoal: str) -> list[tuple[int, dict[str, str]]]:
        found = library.ladders.get(subgoal)
        return [(s.level, dict(s.text)) for s in found.steps] if found else []

    subgoals = sorted(set(old.ladders) | set(new.ladders))
    return LibraryChanges(
        is_new=False,
        prompts_added=tuple(i for i in after if i not in before),
        prompts_removed=tuple(i for i in before if i not in after),
        prompts_changed=tuple(
            i for i in after if i in before and _prompt_shape(before[i]) != _prompt_shape(after[i])
        ),
        ladders_changed=tuple(s for s in subgoals if ladder(old, s) != ladder(new, s)),
    )
