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
from .meetings.models import Attendance, Meeting
from .scheduler import SchedulerHeartbeat
from .signals.models import PersonalNote, SessionTalk, SignalDismissal
from .timeline.models import Cheer, Follow
from .year.models import Season, YearShare

__all__ = [
    "Attendance",
    "ChannelDelivery",
    "ChannelMessage",
    "ChatWebhook",
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
    "GoalProgress",
    "Inventory",
    "InventoryRevision",
    "InventoryTemplate",
    "Invitation",
    "Meeting",
    "Membership",
    "MembershipEvent",
    "Notification",
    "OutboundEmail",
    "PasswordResetToken",
    "PersonalNote",
    "PromptBank",
    "ReminderDelivery",
    "SchedulerHeartbeat",
    "Season",
    "SessionTalk",
    "SignalDismissal",
    "Task",
    "TaskReview",
    "User",
    "YearShare",
]
