"""The method's figures for the weekly summary, the status and the export: talk requests,
distance travelled since the first joint review, the mentor's demands and the weekly measures."""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock
from bot.dialogs import SubgoalCatalogue
from bot.services.active_subgoals import ActiveSubgoals
from bot.services.demands import DemandService
from bot.services.figures import MethodFacts, Period, ReportSources
from bot.services.joint_review import JointReviews, Rater
from bot.services.prompt_library import LibrarySource
from bot.services.subgoal_measures import measures_in
from bot.services.talk_requests import TalkRequests
from storage.models import Person


class MethodReport:
    def __init__(self, clock: Clock, catalogue: SubgoalCatalogue, library: LibrarySource) -> None:
        self.clock = clock
        self.catalogue = catalogue
        self.library = library

    async def period(self, session: AsyncSession, youth: Person, period: Period) -> MethodFacts:
        active = await ActiveSubgoals(session, self.catalogue, self.clock).of(youth.id)
        reviews = JointReviews(session, self.clock, self.catalogue)
        demands = DemandService(session, self.clock, self.library)
        return MethodFacts(
            talk=await TalkRequests(session, self.clock).facts(youth, period),
            distance=tuple(await reviews.distances(youth.id)),
            demands=tuple(await demands.facts(youth, period)),
            measures=tuple(await measures_in(session, youth.id, period, active)),
        )

    async def export_rows(
        self, session: AsyncSession, youth: Person, period: Period
    ) -> list[tuple[str, date, str, str, str]]:
        """Joint reviews closed in the period (both ratings, the focus), distance travelled,
        demands and talk requests, for the case file."""
        zone = ZoneInfo(youth.timezone)
        rows: list[tuple[str, date, str, str, str]] = []
        reviews = JointReviews(session, self.clock, self.catalogue)
        for review, ratings in await reviews.history(youth.id):
            assert review.closed_at is not None
            day = review.closed_at.astimezone(zone).date()
            if not period.first <= day <= period.last:
                continue
            mentor = {r.subgoal: r.value for r in ratings if r.rater == Rater.MENTOR.value}
            for rating in ratings:
                if rating.rater == Rater.YOUTH.value:
                    detail = f"mentor={mentor.get(rating.subgoal, '')}"
                    rows.append(("joint_review", day, rating.subgoal, str(rating.value), detail))
            rows.append(
                ("joint_review_focus", day, "focus", review.focus, f"next={review.next_due_on}")
            )
        for d in await reviews.distances(youth.id):
            rows.append(
                (
                    "distance",
                    period.last,
                    d.subgoal,
                    f"{d.first}->{d.latest}",
                    f"moved={d.moved:+d}",
                )
            )
        demands = DemandService(session, self.clock, self.library)
        for demand in await demands.repo.overlapping(youth.id, period.first, period.last):
            what = (
                demand.text
                if demand.attendance_days is None
                else f"attend {demand.attendance_days} days"
            )
            rows.append(("demand", demand.week_start, demand.subgoal, demand.status, what))
        talk = TalkRequests(session, self.clock)
        for request in await talk.in_period(youth, period):
            answered = request.answered_at is not None
            rows.append(
                (
                    "talk_request",
                    request.requested_at.astimezone(zone).date(),
                    request.source,
                    "answered" if answered else "open",
                    f"talk_at={request.talk_at.isoformat() if request.talk_at else ''}",
                )
            )
        return rows


def register_method_report(
    sources: ReportSources, clock: Clock, catalogue: SubgoalCatalogue, library: LibrarySource
) -> None:
    sources.method = MethodReport(clock, catalogue, library)
