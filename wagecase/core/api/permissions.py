"""API permission: the role must allow the model action (403); scope is applied by the queryset (404)."""
from rest_framework.permissions import BasePermission

ACTION_BY_METHOD = {
    "GET": "view", "HEAD": "view", "OPTIONS": "view",
    "POST": "add", "PUT": "change", "PATCH": "change", "DELETE": "delete",
}


def required_action(request, view):
    return getattr(view, "permission_action_map", {}).get(getattr(view, "action", None)) or ACTION_BY_METHOD.get(
        request.method, "view"
    )


class ModelActionPermission(BasePermission):
    def has_permission(self, request, view):
        user = request.user
        if not user or not user.is_authenticated:
            return False
        queryset = getattr(view, "queryset", None)
        if queryset is None:
            return True
        model = queryset.model
        # A viewset may refine the action (e.g. GET on an action mapped to "change" for its POST).
        action = view.get_model_action() if hasattr(view, "get_model_action") else required_action(request, view)
        return user.has_perm(f"{model._meta.app_label}.{action}_{model._meta.model_name}")
