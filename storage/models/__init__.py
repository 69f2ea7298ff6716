"""All tables. Each feature keeps its tables in its own module; import them here for Alembic."""

from storage.models.alerts import Alert, AlertKind
from storage.models.attendance import (
    AbsenceReason,
    Activity,
    ActivityKind,
    AttendanceRecord,
    AttendanceSettings,
    AttendanceStatus,
)
from storage.models.base import Base, UtcDateTime
from storage.models.checkins import CheckinDay, CheckinStatus
from storage.models.conversations import ConversationState
from storage.models.deliveries import Delivery, DeliveryStatus
from storage.models.demands import Demand, DemandStatus
from storage.models.dialogs import Answer, ScriptVersion, StepShown
from storage.models.goals import Goal, GoalStatus, GoalStep, StepStatus
from storage.models.joint_reviews import JointRating, JointReview
from storage.models.motivation import SentPrompt, Success, SuccessKind
from storage.models.people import AuditEntry, Consent, Invite, MentorLink, Person, Role
from storage.models.progress import MentorBelief, RatingSource, SubgoalRating, YouthSubgoal
from storage.models.reporting import MentorNote, MentorSettings, SentSummary
from storage.models.safety import (
    CrisisFlag,
    CrisisResponse,
    ErasureRequest,
    ErasureStatus,
    ProcessedUpdate,
    SafetyPlan,
)
from storage.models.self_profile import SelfProfile
from storage.models.talk_requests import TalkRequest
from storage.models.web import WebLoginLink, WebSession
from storage.models.youth import YouthSettings

__all__ = [
    "AbsenceReason",
    "Activity",
    "ActivityKind",
    "Alert",
    "AlertKind",
    "AttendanceRecord",
    "AttendanceSettings",
    "AttendanceStatus",
    "Answer",
    "CheckinDay",
    "CheckinStatus",
    "ScriptVersion",
    "StepShown",
    "AuditEntry",
    "Base",
    "Consent",
    "ConversationState",
    "Delivery",
    "DeliveryStatus",
    "Invite",
    "MentorLink",
    "MentorNote",
    "MentorSettings",
    "Person",
    "Role",
    "SentSummary",
    "UtcDateTime",
    "Goal",
    "GoalStatus",
    "GoalStep",
    "StepStatus",
    "SentPrompt",
    "Success",
    "SuccessKind",
    "MentorBelief",
    "RatingSource",
    "SubgoalRating",
    "YouthSubgoal",
    "YouthSettings",
    "CrisisFlag",
    "CrisisResponse",
    "ErasureRequest",
    "ErasureStatus",
    "ProcessedUpdate",
    "SafetyPlan",
    "TalkRequest",
    "Demand",
    "DemandStatus",
    "JointRating",
    "JointReview",
    "SelfProfile",
    "WebLoginLink",
    "WebSession",
]
