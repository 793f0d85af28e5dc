"""Models of the shared core."""
from .base import BaseModel, ChangeLoggedModel, ChangeLoggedQuerySet, RestrictedQuerySet  # noqa: F401
from .calendar import CalendarDay, CalendarYear  # noqa: F401
from .changelog import JournalEntry, ObjectChange  # noqa: F401
from .departments import Department  # noqa: F401
from .enterprises import ENTERPRISE_SCOPE_EXTENSIONS, Enterprise  # noqa: F401
from .jobs import Job  # noqa: F401
from .notifications import Notification, NotificationLevel  # noqa: F401
from .pii import PiiAccessLog  # noqa: F401
from .policy import PolicyValue  # noqa: F401
from .regions import Region, ancestor_codes  # noqa: F401
from .users import User  # noqa: F401
