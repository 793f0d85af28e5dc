"""Authentication backend that grants model permissions from the user's role (see roles.py)."""
from fnmatch import fnmatchcase

from django.contrib.auth.backends import ModelBackend

from .roles import EXPLICIT_ONLY, NEVER_BY_PATTERN, ROLE_PERMISSIONS


def role_allows(role, perm):
    if perm in NEVER_BY_PATTERN:
        return False
    patterns = ROLE_PERMISSIONS.get(role, ())
    if perm in EXPLICIT_ONLY:
        return perm in patterns or "*" in patterns
    return any(fnmatchcase(perm, pattern) for pattern in patterns)


class RoleBackend(ModelBackend):
    def has_perm(self, user_obj, perm, obj=None):
        if not user_obj.is_active:
            return False
        if user_obj.is_superuser:
            return True
        if role_allows(getattr(user_obj, "role", None), perm):
            return True
        return super().has_perm(user_obj, perm, obj)

    def has_module_perms(self, user_obj, app_label):
        if user_obj.is_active and (user_obj.is_superuser or getattr(user_obj, "role", None) == "admin"):
            return True
        return super().has_module_perms(user_obj, app_label)
