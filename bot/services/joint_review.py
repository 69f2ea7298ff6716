"""The joint review: the young person and the mentor each rate the relevant sub-goals on the
1–10 journey scale, look at both side by side with the last review, and agree a focus.

The rules, in plain words:
- The first review is due 4 weeks after the young person got their mentor; after each review the
  mentor picks the next in 4–12 weeks. On the due day the mentor is reminded (09:00 local).
- A review rates the sub-goals active for the youth when it starts (sobriety only where the
  mentor switched it on). The youth rates their own; the mentor rates separately; neither sees
  the other's until both are done.
- The mentor then marks the agreed focus (1–3 sub-goals) and the weeks to the next review;
  that closes the review. The mentor sets the next demand for each focus sub-goal.
- Distance travelled per sub-goal = the youth's own rating at the latest review minus at the
  first review. The cohort share counts youths with at least one sub-goal up since their first
  review, of the youths with at least two reviews.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock
from bot.dialogs import SubgoalCatalogue
from bot.services.access import AccessService
from bot.services.active_subgoals import ActiveSubgoals
from bot.services.checkin_schedule import local_moment
from bot.services.figures import SubgoalDistance
from storage.models import Person
from storage.models.joint_reviews import JointRating, JointReview
from storage.repositories.audit import AuditRepository
from storage.repositories.deliveries import NewDelivery
from storage.repositories.joint_reviews import JointReviewsRepository
from storage.repositories.people import PeopleRepository

REVIEW_DUE_DELIVERY = "joint_review_due"
FIRST_AFTER_WEEKS = 4
INTERVAL_WEEKS = (4, 6, 8, 12)
MAX_FOCUS = 3
REMIND_AT = time(9, 0)


class Rater(StrEnum):
    YOUTH = "youth"
    MENTOR = "mentor"


@dataclass(frozen=True)
class RatingStep:
    """After a rating: the next sub-goal to rate (None: this rater is done), and whether both
    are done now (then the talk view goes to both)."""

    review: JointReview
    rater: Rater
    next_subgoal: str | None
    both_done: bool


@dataclass(frozen=True)
class SideBySideRow:
    subgoal: str
    youth_now: int | None
    youth_last: int | None
    mentor_now: int | None
    mentor_last: int | None


@dataclass(frozen=True)
class ReviewView:
    review: JointReview
    youth: Person
    rows: tuple[SideBySideRow, ...]
    has_last: bool


def subgoals_of(review: JointReview) -> list[str]:
    return [s for s in review.subgoals.split(",") if s]


def focus_of(review: JointReview) -> list[str]:
    return [s for s in review.focus.split(",") if s]


def distance(
    reviews: Sequence[JointReview], ratings: Sequence[JointRating]
) -> list[SubgoalDistance]:
    """The youth's own rating at the first and at the latest closed review, per sub-goal rated
    in both (order of the latest review)."""
    closed = [r for r in reviews if r.closed_at is not None]
    if len(closed) < 2:
        return []
    first, latest = closed[0], closed[-1]
    own = {(r.review_id, r.subgoal): r.value for r in ratings if r.rater == Rater.YOUTH.value}
    found = []
    for subgoal in subgoals_of(latest):
        before, now = own.get((first.id, subgoal)), own.get((latest.id, subgoal))
        if before is not None and now is not None:
            found.append(SubgoalDistance(subgoal, before, now))
    return found


def moved_up(distances: Sequence[SubgoalDistance]) -> bool:
    return any(d.moved >= 1 for d in distances)


class JointReviews:
    def __init__(self, session: AsyncSession, clock: Clock, catalogue: SubgoalCatalogue) -> None:
        self.session = session
        self.clock = clock
        self.catalogue = catalogue
        self.repo = JointReviewsRepository(session)
        self.people = PeopleRepository(session)
        self.access = AccessService(session, clock)

    async def start(self, mentor: Person, youth_id: int) -> JointReview | None:
        """Opens a review (or returns the one already open); None when refused."""
        youth = await self.access.youth_for_mentor_work(mentor, youth_id, "joint_review")
        if youth is None:
            await self.session.commit()
            return None
        review = await self.repo.open_for(youth.id)
        if review is None:
            active = await ActiveSubgoals(self.session, self.catalogue, self.clock).of(youth.id)
            review = JointReview(
                youth_id=youth.id,
                mentor_id=mentor.id,
                subgoals=",".join(active),
                opened_at=self.clock.now(),
            )
            await self.repo.add(review)
            await AuditRepository(self.session).add(
                "joint_review.opened", self.clock.now(), actor_id=mentor.id, subject_id=youth.id
            )
        await self.session.commit()
        return review

    async def youth_of(self, review: JointReview) -> Person | None:
        return await self.people.by_id(review.youth_id)

    async def mentor_of(self, review: JointReview) -> Person | None:
        """The youth's current mentor (a hand-over mid-review passes the review on)."""
        return await self.people.current_mentor(review.youth_id)

    async def open_review(self, mentor: Person, review_id: int) -> JointReview | None:
        """The review, when both have rated, it is not closed, and ``mentor`` follows the youth."""
        return await self._mentors_review(mentor, review_id)

    async def next_to_rate(self, review: JointReview, rater: Rater) -> str | None:
        done = {r.subgoal for r in await self.repo.ratings([review.id]) if r.rater == rater.value}
        return next((s for s in subgoals_of(review) if s not in done), None)

    async def _rater(self, person: Person, review: JointReview) -> Rater | None:
        if person.id == review.youth_id:
            return Rater.YOUTH
        youth = await self.youth_of(review)
        if youth is not None and await self.access.follows(person, youth):
            return Rater.MENTOR
        return None

    async def rate(
        self, person: Person, review_id: int, subgoal: str, value: int
    ) -> RatingStep | None:
        """One rating; None for a refused, repeated or closed one (a spent button)."""
        review = await self.repo.get(review_id)
        rater = await self._rater(person, review) if review else None
        if review is None or rater is None:
            await self.access.refuse(person, "joint_review", review_id)
            return None
        if review.closed_at is not None or not 1 <= value <= 10:
            return None
        if subgoal != await self.next_to_rate(review, rater):
            return None
        now = self.clock.now()
        await self.repo.add(
            JointRating(
                review_id=review.id,
                youth_id=review.youth_id,
                subgoal=subgoal,
                rater=rater.value,
                value=value,
                rated_at=now,
            )
        )
        following = await self.next_to_rate(review, rater)
        if following is None:
            if rater is Rater.YOUTH:
                review.youth_done_at = now
            else:
                review.mentor_done_at = now
        both = review.youth_done_at is not None and review.mentor_done_at is not None
        just_done = following is None and both
        await self.session.commit()
        return RatingStep(review, rater, following, just_done)

    async def view(self, review: JointReview) -> ReviewView | None:
        """Both ratings side by side with the last closed review's."""
        youth = await self.youth_of(review)
        if youth is None:
            return None
        closed = [r for r in await self.repo.closed_for([youth.id]) if r.id != review.id]
        last = closed[-1] if closed else None
        ids = [review.id] + ([last.id] if last else [])
        values = {(r.review_id, r.subgoal, r.rater): r.value for r in await self.repo.ratings(ids)}
        rows = []
        for subgoal in subgoals_of(review):

            def of(review_id: int | None, rater: Rater, subgoal: str = subgoal) -> int | None:
                return values.get((review_id, subgoal, rater.value)) if review_id else None

            last_id = last.id if last else None
            rows.append(
                SideBySideRow(
                    subgoal,
                    of(review.id, Rater.YOUTH),
                    of(last_id, Rater.YOUTH),
                    of(review.id, Rater.MENTOR),
                    of(last_id, Rater.MENTOR),
                )
            )
        return ReviewView(review, youth, tuple(rows), last is not None)

    async def toggle_focus(
        self, mentor: Person, review_id: int, subgoal: str
    ) -> JointReview | None:
        review = await self._mentors_review(mentor, review_id)
        if review is None or subgoal not in subgoals_of(review):
            return None
        focus = focus_of(review)
        if subgoal in focus:
            focus.remove(subgoal)
        elif len(focus) < MAX_FOCUS:
            focus.append(subgoal)
        review.focus = ",".join(s for s in subgoals_of(review) if s in focus)
        await self.session.commit()
        return review

    async def close(self, mentor: Person, review_id: int, weeks: int) -> JointReview | None:
        """Agrees the focus (1–3) and the weeks to the next review; None if not possible."""
        review = await self._mentors_review(mentor, review_id)
        if review is None or weeks not in INTERVAL_WEEKS or not focus_of(review):
            return None
        youth = await self.youth_of(review)
        if youth is None:
            return None
        now = self.clock.now()
        review.closed_at = now
        review.interval_weeks = weeks
        review.next_due_on = now.astimezone(ZoneInfo(youth.timezone)).date() + timedelta(
            weeks=weeks
        )
        await AuditRepository(self.session).add(
            "joint_review.closed", now, actor_id=mentor.id, subject_id=youth.id, weeks=weeks
        )
        await self.session.commit()
        return review

    async def _mentors_review(self, mentor: Person, review_id: int) -> JointReview | None:
        review = await self.repo.get(review_id)
        if review is None or await self._rater(mentor, review) is not Rater.MENTOR:
            await self.access.refuse(mentor, "joint_review", review_id)
            return None
        if review.closed_at is not None or review.youth_done_at is None:
            return None
        if review.mentor_done_at is None:
            return None
        return review

    async def latest_focus(self, youth_id: int) -> list[str]:
        closed = await self.repo.closed_for([youth_id])
        return focus_of(closed[-1]) if closed else []

    async def distances(self, youth_id: int) -> list[SubgoalDistance]:
        reviews = await self.repo.closed_for([youth_id])
        return distance(reviews, await self.repo.ratings([r.id for r in reviews]))

    async def history(self, youth_id: int) -> list[tuple[JointReview, list[JointRating]]]:
        reviews = await self.repo.closed_for([youth_id])
        ratings = await self.repo.ratings([r.id for r in reviews])
        return [(r, [x for x in ratings if x.review_id == r.id]) for r in reviews]

    async def due_reminders(self, since: datetime, until: datetime) -> list[NewDelivery]:
        """One reminder to the mentor on the day a youth's next review is due (09:00 local)."""
        links = await self.repo.youths_with_mentor()
        closed = await self.repo.closed_for([youth.id for youth, _m, _s in links])
        latest = {r.youth_id: r for r in closed}
        found = []
        for youth, mentor_id, started in links:
            zone = ZoneInfo(youth.timezone)
            review = latest.get(youth.id)
            due: date | None = (
                review.next_due_on
                if review is not None
                else started.astimezone(zone).date() + timedelta(weeks=FIRST_AFTER_WEEKS)
            )
            if due is None:
                continue
            moment = local_moment(due, REMIND_AT, zone)
            if since < moment <= until:
                found.append(
                    NewDelivery(
                        mentor_id,
                        REVIEW_DUE_DELIVERY,
                        f"review:{youth.id}:{due.isoformat()}",
                        moment,
                        {"youth_id": youth.id},
                    )
                )
        return found


async def moved_up_share(session: AsyncSession, youth_ids: Sequence[int]) -> tuple[int, int]:
    """(youths with ≥ 1 sub-goal up since their first review, youths with ≥ 2 reviews)."""
    repo = JointReviewsRepository(session)
    reviews = await repo.closed_for(youth_ids)
    ratings = await repo.ratings([r.id for r in reviews])
    moved = compared = 0
    for youth_id in youth_ids:
        own = [r for r in reviews if r.youth_id == youth_id]
        if len(own) < 2:
            continue
        compared += 1
        ids = {r.id for r in own}
        moved += moved_up(distance(own, [x for x in ratings if x.review_id in ids]))
    return moved, compared
