"""Import every model so that Alembic and the app see the whole schema."""

from learning_app.accounts.models import RoleAssignment, User  # noqa: F401
from learning_app.analytics.models import AnalyticsCell  # noqa: F401
from learning_app.api.models import ApiToken  # noqa: F401
from learning_app.assessments.models import LearningCycle, SelfAssessment, SelfRating  # noqa: F401
from learning_app.core.audit import AuditEvent  # noqa: F401
from learning_app.framework.models import (  # noqa: F401
    Domain,
    FrameworkVersion,
    LevelDescriptor,
    Skill,
    TargetLevel,
)
from learning_app.notifications.models import OutboxMessage  # noqa: F401
from learning_app.observations.models import (  # noqa: F401
    AuditAnswer,
    FeedbackResponse,
    FocusCampaign,
    Observation,
    ObservationAction,
    ObservationAmendment,
    ObservationRating,
    RatingReply,
)
from learning_app.org.models import Pdu, Region, Team, TeamMembership  # noqa: F401
from learning_app.profiles.models import SkillProfileRecord  # noqa: F401
from learning_app.reflective.models import (  # noqa: F401
    CalendarFeed,
    CaseEvent,
    Discussion,
    DiscussionAction,
    DiscussionDecision,
    DiscussionRating,
    GroupInvitation,
    GroupSession,
    Leave,
    RuleSet,
    SpoCapacity,
)
from learning_app.training.models import (  # noqa: F401
    Cohort,
    CohortBooking,
    ModuleSkill,
    PlanItem,
    TrainingModule,
)
