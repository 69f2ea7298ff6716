"""What a mentor does about a youth: notes after a talk, pausing, handing over to another
mentor, and choosing when the weekly summary comes.

The rules, in plain words:
- Only the youth's current mentor, or staff, may act on a youth (checked in the database).
- A pause runs from today for whole weeks (inclusive dates in the youth's zone); ending it clears
  it. Paused days have no check-ins and are neither misses nor streak breaks.
- A hand-over ends the current link and starts a new one; the history stays whole (old links,
  notes and summaries stay readable to whoever is the youth's mentor now).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock
from bot.services.access import AccessService
from bot.services.figures import MentorNoteFact, ReportSources
from bot.services.script_triggers import emit_event
from bot.services.weekly_summary import ReportAccessDenied, SummaryService
from storage.models import MentorSettings, Person, Role
from storage.repositories.audit import AuditRepository
from storage.repositories.people import PeopleRepository
from storage.repositories.reporting import (
    MentorNotesRepository,
    MentorSettingsRepository,
    ReportReadsRepository,
)
from storage.repositories.youth_settings import YouthSettingsRepository

NOTE_MAX_CHARS = 1000
PAUSE_WEEKS = (0, 1, 2, 4)  # 0 ends the pause; the pause buttons offer these


@dataclass(frozen=True)
class PauseOutcome:
    youth: Person
    until: date | None  # None: the pause ended


@dataclass(frozen=True)
class Handover:
    youth: Person
    new_mentor: Person
    previous_mentor: Person | None
    notes: tuple[MentorNoteFact, ...]


class MentorDesk:
    def __init__(self, session: AsyncSession, clock: Clock, sources: ReportSources) -> None:
        self.session = session
        self.clock = clock
        self.summaries = SummaryService(session, clock, sources)
        self.people = PeopleRepository(session)
        self.audit = AuditRepository(session)

    async def youths(self, mentor: Person) -> list[Person]:
        return await self.summaries.youths_of(mentor)

    async def add_note(self, mentor: Person, youth_id: int, text: str) -> Person:
        youth = await self.may_act(mentor, youth_id, "note")
        now = self.clock.now()
        await MentorNotesRepository(self.session).add(
            mentor.id, youth.id, text.strip()[:NOTE_MAX_CHARS], now
        )
        await self.audit.add("mentor.note", now, actor_id=mentor.id, subject_id=youth.id)
        await emit_event(
            self.session,
            youth.id,
            "mentor_note",
            now,
            ref=f"note:{now.isoformat()}",
            variables={"mentor_name": mentor.first_name},
        )
        await self.session.commit()
        return youth

    async def may_act(self, reader: Person, youth_id: int, purpose: str) -> Person:
        """The youth if ``reader`` is their current mentor or staff; AccessService decides and
        audits (a read with ``purpose``, or the refusal, committed before raising)."""
        youth = await self.summaries.readable_youth(reader, youth_id, purpose)
        await self.session.commit()  # the read is in the audit log whatever follows
        return youth

    async def pause(self, reader: Person, youth_id: int, weeks: int) -> PauseOutcome:
        youth = await self.may_act(reader, youth_id, "pause")
        if weeks not in PAUSE_WEEKS:
            raise ReportAccessDenied  # not a button the bot offers
        now = self.clock.now()
        today = now.astimezone(ZoneInfo(youth.timezone)).date()
        settings = await YouthSettingsRepository(self.session).get_or_create(youth.id, now)
        until: date | None = None
        if weeks > 0:
            until = today + timedelta(days=7 * weeks - 1)
            settings.paused_from, settings.paused_until = today, until
        else:
            settings.paused_from = settings.paused_until = None
        settings.updated_at = now
        await self.audit.add(
            "youth.paused" if weeks else "youth.unpaused",
            now,
            actor_id=reader.id,
            subject_id=youth.id,
            until=until.isoformat() if until else None,
        )
        await self.session.commit()
        return PauseOutcome(youth, until)

    async def other_mentors(self, reader: Person, youth_id: int) -> list[Person]:
        youth = await self.may_act(reader, youth_id, "handover")
        current = await self.people.current_mentor(youth.id)
        return [
            person
            for person in await self.people.with_role(Role.MENTOR)
            if person.left_at is None
            and person.onboarded_at is not None
            and (current is None or person.id != current.id)
        ]

    async def hand_over(self, reader: Person, youth_id: int, new_mentor_id: int) -> Handover:
        youth = await self.may_act(reader, youth_id, "handover")
        new_mentor = await self.people.by_id(new_mentor_id)
        if new_mentor is None or not new_mentor.is_mentor or new_mentor.left_at is not None:
            await AccessService(self.session, self.clock).refuse(
                reader, "handover_to", new_mentor_id
            )
            raise ReportAccessDenied
        now = self.clock.now()
        previous = await self.people.current_mentor(youth.id)
        await self.people.link_mentor(youth.id, new_mentor.id, now)
        notes = await MentorNotesRepository(self.session).for_youth(youth.id)
        await self.audit.add(
            "youth.handed_over",
            now,
            actor_id=reader.id,
            subject_id=youth.id,
            from_mentor=previous.id if previous else None,
            to_mentor=new_mentor.id,
        )
        # The new mentor reads the history: that read is logged too.
        await self.audit.add(
            "data.read", now, actor_id=new_mentor.id, subject_id=youth.id, purpose="handover"
        )
        await self.session.commit()
        return Handover(
            youth, new_mentor, previous, tuple(MentorNoteFact(n.created_at, n.text) for n in notes)
        )

    async def summary_settings(self, mentor: Person) -> MentorSettings:
        return await MentorSettingsRepository(self.session).get_or_create(
            mentor.id, self.clock.now()
        )

    async def set_summary_time(self, mentor: Person, weekday: int, at: str) -> MentorSettings:
        if not 1 <= weekday <= 7 or len(at) != 5:
            raise ValueError("weekday 1–7 and time HH:MM")
        return await self._save_settings(mentor, summary_weekday=weekday, summary_time=at)

    async def set_quiet_hours(self, mentor: Person, start: str, end: str) -> MentorSettings:
        """Alerts other than crisis wait between `start` and `end` (equal times: no quiet
        hours)."""
        if len(start) != 5 or len(end) != 5:
            raise ValueError("times HH:MM")
        return await self._save_settings(mentor, quiet_from=start, quiet_until=end)

    async def _save_settings(self, mentor: Person, **values: str | int) -> MentorSettings:
        settings = await self.summary_settings(mentor)
        for name, value in values.items():
            setattr(settings, name, value)
        settings.updated_at = self.clock.now()
        await self.session.commit()
        return settings

    async def open_alert_counts(self, youths: list[Person]) -> dict[int, int]:
        return await ReportReadsRepository(self.session).open_alert_counts([y.id for y in youths])
