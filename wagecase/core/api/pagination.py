"""List pagination of API.md: count/next/previous/results with ?page= and ?page_size= (≤ 500), and
a cursor mode for full syncs of large tables.

Cursor mode is asked for with `?cursor=` (empty for the first page) or `?pagination=cursor`. It
answers `{"next", "previous", "results"}` (no count: large tables are not counted) with opaque
cursors, walking the rows by primary key: a row changed during the walk keeps its place, so it is
neither skipped nor seen twice, and rows created during the walk come at the end. Every page of
one walk carries the header `Sync-Watermark`: the server time when the walk began, the value (less
a few minutes of overlap) to pass as `updated_since` to the next incremental sync. (The largest
`last_updated` seen is not safe as the watermark when walking by id: a row changed behind the
cursor while the walk goes on may be older than it.)

A list built in Python (not a queryset of model rows) is walked by position instead."""
import base64
import binascii
import json

from django.core.paginator import Paginator as DjangoPaginator
from django.db.models import QuerySet
from django.db.models.query import ModelIterable
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param

CURSOR_PARAM = "cursor"
MODE_PARAM = "pagination"
WATERMARK_HEADER = "Sync-Watermark"


def encode_cursor(data):
    raw = json.dumps(data, separators=(",", ":"), default=str).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(value):
    try:
        raw = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
        data = json.loads(raw)
    except (binascii.Error, ValueError, UnicodeDecodeError):
        data = None
    if not isinstance(data, dict) or len({"a", "b", "o"} & data.keys()) != 1:
        raise ValidationError({CURSOR_PARAM: [_("Invalid cursor: pass back the `next` or `previous` link unchanged.")]})
    return data


class CountSparingPaginator(DjangoPaginator):
    """Django's Paginator, except that the first page is read before the rows are counted: when it
    holds no more rows than a page, their number is the count and no COUNT query runs. Most lists of
    a county's records (a project's cases, one inspector's clues, a filtered list) fit on one page;
    otherwise the rows are counted as before, when the page's links need the count."""

    def page(self, number):
        try:
            first = int(number) == 1
        except (TypeError, ValueError):
            first = False
        if not first or "count" in self.__dict__:
            return super().page(number)
        rows = list(self.object_list[: self.per_page + self.orphans + 1])
        if len(rows) <= self.per_page + self.orphans:
            self.__dict__["count"] = len(rows)  # Paginator.count is a cached_property
            return self._get_page(rows, 1, self)
        return self._get_page(rows[: self.per_page], 1, self)


class StandardPagination(PageNumberPagination):
    django_paginator_class = CountSparingPaginator
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500

    cursor_mode = False

    def wants_cursor(self, request):
        return CURSOR_PARAM in request.query_params or request.query_params.get(MODE_PARAM) == "cursor"

    def paginate_queryset(self, queryset, request, view=None):
        self.cursor_mode = self.wants_cursor(request)
        if not self.cursor_mode:
            return super().paginate_queryset(queryset, request, view)
        self.request = request
        return self.paginate_by_cursor(queryset, request)

    # --- Cursor mode -----------------------------------------------------------------------------

    def paginate_by_cursor(self, rows, request):
        size = self.get_page_size(request)
        raw = request.query_params.get(CURSOR_PARAM) or ""
        cursor = decode_cursor(raw) if raw else {}
        self.watermark = cursor.get("w") or timezone.now().isoformat()
        by_key = isinstance(rows, QuerySet) and issubclass(rows._iterable_class, ModelIterable)
        if by_key and "o" not in cursor:
            page = self._page_by_key(rows.order_by("pk"), cursor, size)
        elif not by_key and not ("a" in cursor or "b" in cursor):
            page = self._page_by_position(rows, cursor, size)
        else:
            raise ValidationError({CURSOR_PARAM: [_("Invalid cursor: pass back the `next` or `previous` link unchanged.")]})
        return page

    def _page_by_key(self, rows, cursor, size):
        if "b" in cursor:  # previous page: the `size` rows before the given key
            chunk = list(rows.filter(pk__lt=cursor["b"]).order_by("-pk")[: size + 1])
            has_previous, page = len(chunk) > size, chunk[:size][::-1]
            has_next = True
        else:
            if "a" in cursor:
                rows = rows.filter(pk__gt=cursor["a"])
            chunk = list(rows[: size + 1])
            has_next, page = len(chunk) > size, chunk[:size]
            has_previous = "a" in cursor
        self.next_cursor = {"a": page[-1].pk} if has_next and page else None
        if has_previous:
            self.previous_cursor = {"b": page[0].pk} if page else {"b": cursor.get("a")}
        else:
            self.previous_cursor = None
        return page

    def _page_by_position(self, rows, cursor, size):
        start = cursor.get("o", 0)
        if not isinstance(start, int) or start < 0:
            raise ValidationError({CURSOR_PARAM: [_("Invalid cursor: pass back the `next` or `previous` link unchanged.")]})
        chunk = list(rows[start: start + size + 1])
        page = chunk[:size]
        self.next_cursor = {"o": start + size} if len(chunk) > size else None
        self.previous_cursor = {"o": max(start - size, 0)} if start > 0 else None
        return page

    def _cursor_link(self, cursor):
        if cursor is None:
            return None
        url = remove_query_param(self.request.build_absolute_uri(), self.page_query_param)
        return replace_query_param(url, CURSOR_PARAM, encode_cursor({**cursor, "w": self.watermark}))

    def get_paginated_response(self, data):
        if not self.cursor_mode:
            return super().get_paginated_response(data)
        return Response(
            {"next": self._cursor_link(self.next_cursor), "previous": self._cursor_link(self.previous_cursor), "results": data},
            headers={WATERMARK_HEADER: self.watermark},
        )

    # --- Schema ----------------------------------------------------------------------------------

    def get_paginated_response_schema(self, schema):
        response = super().get_paginated_response_schema(schema)
        response["required"] = ["results"]
        response["properties"]["count"]["description"] = (
            "记录总数；游标分页时不返回。 Total number of rows; absent in cursor mode."
        )
        for name in ("next", "previous"):
            response["properties"][name]["description"] = (
                "相应页的完整 URL，没有则为 null。 The full URL of that page, or null."
            )
        return response

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_size_query_param:
                parameter["description"] = (
                    f"每页条数，最多 {self.max_page_size}（默认 {self.page_size}）。 "
                    f"Rows per page, at most {self.max_page_size} (default {self.page_size})."
                )
                parameter["schema"]["maximum"] = self.max_page_size
                parameter["schema"]["minimum"] = 1
            elif parameter["name"] == self.page_query_param:
                parameter["description"] = "页码，从 1 开始。 Page number, from 1."
        parameters += [
            {
                "name": CURSOR_PARAM,
                "required": False,
                "in": "query",
                "description": (
                    "游标分页（用于大表全量同步）：首页传空值 `?cursor=`，之后沿用响应里的 `next` 链接直到它为 null。"
                    "响应为 `{\"next\", \"previous\", \"results\"}`，不含 `count`；按记录主键排序，同步期间被修改的记录"
                    "不会被跳过或重复。响应头 `Sync-Watermark` 为本次遍历开始的服务器时间：下次增量同步用它（减去几分钟重叠）"
                    "作为 `updated_since`。\n\n"
                    "Cursor pagination, for full syncs of large tables: `?cursor=` (empty) for the first page, then "
                    "follow `next` until it is null. Answers `{\"next\", \"previous\", \"results\"}` without `count`, "
                    "ordered by the rows' primary key, so rows changed during the walk are neither skipped nor repeated. "
                    "The `Sync-Watermark` response header is the server time the walk began: pass it (less a few "
                    "minutes of overlap) as `updated_since` in the next incremental sync."
                ),
                "schema": {"type": "string"},
            },
            {
                "name": MODE_PARAM,
                "required": False,
                "in": "query",
                "description": "`cursor`：使用游标分页（等同 `?cursor=`）。 `cursor`: cursor pagination, as `?cursor=`.",
                "schema": {"type": "string", "enum": ["page", "cursor"]},
            },
        ]
        return parameters
