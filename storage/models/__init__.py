"""All tables. Each feature keeps its tables in its own module; import them here for Alembic."""

from storage.models.alerts import Alert, AlertKind
from storage.models.base import Base, UtcDateTime
from storage.models.checkins import CheckinDay, CheckinStatus
from storage.models.conversations import ConversationState
from storage.models.deliveries import Delivery, DeliveryStatus
from storage.models.dialogs import Answer, ScriptVersion
from storage.models.people import AuditEntry, Consent, Invite, MentorLink, Person, Role
from storage.models.youth import YouthSettings

__all__ = [
    "Alert",
    "AlertKind",
    "Answer",
    "CheckinDay",
    "CheckinStatus",
    "ScriptVersion",
    "AuditEntry",
    "Base",
    "Consent",
    "ConversationState",
    "Delivery",
    "DeliveryStatus",
    "Invite",
    "MentorLink",
    "Person",
    "Role",
    "UtcDateTime",
    "YouthSettings",
]
