"""The sub-goal catalogue: the eleven sub-goals from METHOD.md plus a municipality's own.

`dialogs/subgoals.yaml` ships with Fremad; an optional `dialogs/subgoals.local.yaml` (same format)
is merged on top: a new id adds a sub-goal, an existing id replaces that entry (e.g. to make
sobriety active by default). Keeping local changes in their own file means an upgrade of the
shipped catalogue never overwrites them.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from bot.dialogs.model import Subgoal
from bot.resources import shipped_dialogs_dir

# The shipped folder (package data in a wheel, the top-level dialogs/ in a checkout).
DIALOGS_DIR = shipped_dialogs_dir()
SHIPPED_FILE = "subgoals.yaml"
LOCAL_FILE = "subgoals.local.yaml"

# Used when the catalogue file itself cannot be read, so script linting still works.
BUILTIN_IDS: tuple[str, ...] = (
    "self_belief",
    "community",
    "responsibility",
    "skills",
    "clarity",
    "illness_coping",
    "system_trust",
    "labour_market",
    "everyday_coping",
    "motivation",
    "sobriety",
)


@dataclass(frozen=True)
class SubgoalCatalogue:
    subgoals: tuple[Subgoal, ...]

    def __iter__(self) -> Iterator[Subgoal]:
        return iter(self.subgoals)

    def __contains__(self, subgoal_id: object) -> bool:
        return any(s.id == subgoal_id for s in self.subgoals)

    @property
    def ids(self) -> frozenset[str]:
        return frozenset(s.id for s in self.subgoals)

    def get(self, subgoal_id: str) -> Subgoal | None:
        return next((s for s in self.subgoals if s.id == subgoal_id), None)

    def default_active(self) -> list[str]:
        return [s.id for s in self.subgoals if s.default_active]

    def name(self, subgoal_id: str, locale: str) -> str:
        sg = self.get(subgoal_id)
        if sg is None:
            return subgoal_id
        return sg.name.get(locale) or sg.name["da"]

    def youth_name(self, subgoal_id: str, locale: str) -> str:
        """The name a young person reads: plain words where the programme's name is jargon."""
        sg = self.get(subgoal_id)
        if sg is None or sg.youth_name is None:
            return self.name(subgoal_id, locale)
        return sg.youth_name.get(locale) or sg.youth_name["da"]

    def name_for(self, subgoal_id: str, locale: str, *, youth: bool) -> str:
        """The name its reader reads: a young person the plain words, mentors and staff the
        programme's name."""
        return self.youth_name(subgoal_id, locale) if youth else self.name(subgoal_id, locale)

    def in_youth_words(self, text: str) -> str:
        """`text` (written for a mentor, in any locale) with every programme name that has a
        youth_name replaced by the youth_name in the same language."""
        replacements = {
            official: words
            for sg in self.subgoals
            if sg.youth_name is not None
            for lang, official in sg.name.items()
            if (words := sg.youth_name.get(lang) or sg.youth_name["da"]) != official
        }
        if not replacements:
            return text
        # Longest first, whole words only, one pass (a replacement is never replaced again).
        pattern = re.compile(
            r"(?<!\w)("
            + "|".join(re.escape(o) for o in sorted(replacements, key=len, reverse=True))
            + r")(?!\w)"
        )
        return pattern.sub(lambda m: replacements[m.group(1)], text)

    def description(self, subgoal_id: str, locale: str) -> str:
        sg = self.get(subgoal_id)
        if sg is None:
            return ""
        return sg.description.get(locale) or sg.description["da"]

    def ordered(self, ids: Sequence[str]) -> list[str]:
        """`ids` that exist in the catalogue, in catalogue order (stable button order)."""
        wanted = set(ids)
        return [s.id for s in self.subgoals if s.id in wanted]


def merge(shipped: Sequence[Subgoal], local: Sequence[Subgoal]) -> SubgoalCatalogue:
    by_id = {s.id: s for s in shipped}
    order = [s.id for s in shipped]
    for s in local:
        if s.id not in by_id:
            order.append(s.id)
        by_id[s.id] = s
    return SubgoalCatalogue(tuple(by_id[i] for i in order))
