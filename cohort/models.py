"""Every model, imported in one place so migrations and tests see the whole schema."""

from .auth.models import PasswordResetToken, User
from .cohorts.models import Cohort, Invitation, Membership, MembershipEvent
from .companion.models import CohortCompanion, CompanionPreference
from .delivery.models import (
    ChannelDelivery,
    ChannelMessage,
    ChatWebhook,
    DeliverySettings,
    EmailPreference,
    Notification,
    OutboundEmail,
    ReminderDelivery,
    ReminderHold,
)
from .feedback.models import Feedback, FeedbackAssignment
from .inventories.models import (
    Goal,
    GoalProgress,
    Inventory,
    InventoryRevision,
    InventoryTemplate,
    PromptBank,
    Task,
    TaskReview,
)
from .live.models import CheckOut, ListenerNote, LiveRun
from .meetings.models import Attendance, Meeting
from .mentoring.models import (
    GoalComment,
    MentoringRequest,
    MentoringSettings,
    MentorProfile,
    NextStep,
    OneToOne,
    Pairing,
    PlanPhase,
    RelationshipReview,
)
from .scheduler import SchedulerHeartbeat
from .signals.models import PersonalNote, SessionTalk, SignalDismissal
from .timeline.models import Cheer, Follow
from .writing.models import AutosaveMark, ShortFormSetting, WritingPreference
from .year.models import Season, YearShare

__all__ = [
    "Attendance",
    "AutosaveMark",
    "ChannelDelivery",
    "ChannelMessage",
    "ChatWebhook",
    "CheckOut",
    "Cheer",
    "Cohort",
    "CohortCompanion",
    "CompanionPreference",
    "DeliverySettings",
    "EmailPreference",
    "Feedback",
    "FeedbackAssignment",
    "Follow",
    "Goal",
    "GoalComment",
    "GoalProgress",
    "Inventory",
    "InventoryRevision",
    "InventoryTemplate",
    "Invitation",
    "ListenerNote",
    "LiveRun",
    "Meeting",
    "Membership",
    "MembershipEvent",
    "MentorProfile",
    "MentoringRequest",
    "MentoringSettings",
    "NextStep",
    "Notification",
    "OneToOne",
    "OutboundEmail",
    "Pairing",
    "PasswordResetToken",
    "PersonalNote",
    "PlanPhase",
    "PromptBank",
    "RelationshipReview",
    "ReminderDelivery",
    "ReminderHold",
    "SchedulerHeartbeat",
    "Season",
    "SessionTalk",
    "ShortFormSetting",
    "SignalDismissal",
    "Task",
    "TaskReview",
    "User",
    "WritingPreference",
    "YearShare",
]
