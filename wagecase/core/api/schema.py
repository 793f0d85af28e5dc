"""The OpenAPI schema class of the API (REST_FRAMEWORK["DEFAULT_SCHEMA_CLASS"]): drf-spectacular's, plus
the error answers every operation of a kind can give whatever its view declares, so that the schema
tells the truth about them (the fuzzing test, tests/test_api_fuzz.py, checks every answer against it):

- a list (GET of many) answers 400 on an invalid query parameter (a filter, `page_size`, `cursor`,
  `updated_since`) and, when paginated, 404 on a page number past the end (DRF's "Invalid page");
- a write (POST, PUT, PATCH) answers 415 on a request body of a content type it does not parse."""
from drf_spectacular.openapi import AutoSchema

LIST_ERRORS = {
    "400": "Invalid query parameter (a filter, `page_size`, `cursor` or `updated_since`): "
           "`{\"parameter\": [\"message\", ...]}`.",
}
PAGE_ERRORS = {
    "404": "No such page (`page` past the last one or not a positive number), or the parent object is outside "
           "the caller's scope.",
}
WRITE_ERRORS = {
    "415": "Unsupported request content type (send `application/json`).",
}


class WagecaseAutoSchema(AutoSchema):
    def _get_response_bodies(self, direction="response"):
        bodies = super()._get_response_bodies(direction)
        extra = {}
        if self.method == "GET" and self._is_list_view():
            extra.update(LIST_ERRORS)
            if self._get_paginator() is not None:
                extra.update(PAGE_ERRORS)
        elif self.method in ("POST", "PUT", "PATCH"):
            extra.update(WRITE_ERRORS)
        for code, description in extra.items():
            bodies.setdefault(code, {"description": description})
        return bodies
