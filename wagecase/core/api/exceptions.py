"""API errors in the formats of API.md: 400 {field: [messages]}, 409 {detail, code}; a Django
ValidationError raised by a model or service becomes a 400 like any serializer error."""
from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import exceptions, status
from rest_framework.views import exception_handler as drf_exception_handler


class Conflict(exceptions.APIException):
    """A state transition that is not allowed now."""

    status_code = status.HTTP_409_CONFLICT
    default_detail = "This action is not allowed in the record's current state."
    default_code = "conflict"

    def __init__(self, detail=None, code=None):
        super().__init__(detail=detail, code=code)
        self.code = code or self.default_code


def django_validation_error_to_drf(error, field_map=None):
    """A Django ValidationError as a DRF 400. `field_map` renames model fields to the names the
    client used (`region` → `region_code`); errors not tied to a field go under non_field_errors."""
    field_map = field_map or {}
    if hasattr(error, "error_dict"):
        detail = {}
        for field, errors in error.error_dict.items():
            key = "non_field_errors" if field == "__all__" else field_map.get(field, field)
            detail.setdefault(key, []).extend(str(m) for e in errors for m in e.messages)
        return exceptions.ValidationError(detail)
    return exceptions.ValidationError({"non_field_errors": [str(m) for m in error.messages]})


def exception_handler(exc, context):
    if isinstance(exc, DjangoValidationError):
        exc = django_validation_error_to_drf(exc)
    response = drf_exception_handler(exc, context)
    if response is not None and isinstance(exc, Conflict):
        response.data = {"detail": str(exc.detail), "code": exc.code}
    return response
