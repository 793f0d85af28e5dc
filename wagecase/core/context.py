"""Who is acting right now: the change context that the change log records with every change.

Web requests, API calls, Celery tasks, management commands and imports each open a context
naming the acting user (or the system job); code that runs outside any context is logged as
"system"."""
import contextvars
import uuid
from contextlib import contextmanager
from dataclasses import dataclass, field

from .choices import ChangeSource

_current = contextvars.ContextVar("wagecase_change_context", default=None)


@dataclass
class ChangeContext:
    source: str = ChangeSource.SYSTEM
    user: object = None
    request: object = None
    label: str = ""
    request_id: uuid.UUID = field(default_factory=uuid.uuid4)

    def get_user(self):
        # For API calls DRF authenticates inside the view, after the middleware ran; the
        # Django request's user is set by then, so read it when the change happens.
        if self.request is not None:
            user = getattr(self.request, "user", None)
            if user is not None and user.is_authenticated:
                return user
            return None
        if self.user is not None and getattr(self.user, "is_authenticated", False):
            return self.user
        return None


def current_context():
    ctx = _current.get()
    return ctx if ctx is not None else ChangeContext()


@contextmanager
def change_context(*, source, user=None, request=None, label="", request_id=None):
    ctx = ChangeContext(
        source=source, user=user, request=request, label=label, request_id=request_id or uuid.uuid4()
    )
    token = _current.set(ctx)
    try:
        yield ctx
    finally:
        _current.reset(token)
