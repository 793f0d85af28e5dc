"""Serializers of the caller's own API client: the client, its named tokens, its call log."""
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from wagecase.core.choices import Industry

from ..models import ApiCall, ApiClient, ApiToken


class ApiTokenSerializer(serializers.ModelSerializer):
    status = serializers.SerializerMethodField(help_text="`active` 有效 · `expired` 已过期 · `revoked` 已吊销")

    class Meta:
        model = ApiToken
        fields = ["id", "name", "prefix", "status", "created", "last_used", "expires_at", "revoked_at"]
        read_only_fields = fields
        extra_kwargs = {
            "prefix": {"help_text": "令牌前 8 个字符，用于辨认令牌（完整令牌只在创建时显示一次）。"},
            "last_used": {"help_text": "最近一次使用时间（精确到分钟）。"},
        }

    @extend_schema_field(OpenApiTypes.STR)  # an enum here would collide with other "status" enums in the schema
    def get_status(self, token):
        if token.revoked_at is not None:
            return "revoked"
        if token.expires_at is not None and token.expires_at <= timezone.now():
            return "expired"
        return "active"


def future_expiry(value):
    if value is not None and value <= timezone.now():
        raise serializers.ValidationError(_("The expiry must lie in the future."))
    return value


class ApiTokenCreateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=100, help_text="令牌名称，同一客户端内有效令牌不得重名，如 `sync-server`。")
    expires_at = serializers.DateTimeField(required=False, allow_null=True,
                                           help_text="过期时间（ISO 8601，含时区）；省略则长期有效。")

    def validate_expires_at(self, value):
        return future_expiry(value)


class ApiTokenRotateSerializer(serializers.Serializer):
    expires_at = serializers.DateTimeField(required=False, allow_null=True,
                                           help_text="新令牌的过期时间；省略则沿用原令牌的过期时间。")

    def validate_expires_at(self, value):
        return future_expiry(value)


class ApiTokenKeySerializer(ApiTokenSerializer):
    key = serializers.SerializerMethodField(help_text="完整令牌（40 位十六进制），只显示这一次，请立即妥善保存。")

    class Meta(ApiTokenSerializer.Meta):
        fields = [*ApiTokenSerializer.Meta.fields, "key"]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.STR)
    def get_key(self, token):
        return self.context["key"]


class ApiClientSerializer(serializers.ModelSerializer):
    username = serializers.CharField(source="user.username", read_only=True)
    full_name = serializers.CharField(source="user.full_name", read_only=True)
    industries = serializers.ListField(source="user.industries", child=serializers.ChoiceField(choices=Industry.choices),
                                       read_only=True, help_text="可访问的行业。")
    region_code = serializers.CharField(source="user.jurisdiction_id", read_only=True,
                                        help_text="可访问的行政区划代码前缀。")
    region_name = serializers.CharField(source="user.jurisdiction.name", read_only=True)
    tokens = ApiTokenSerializer(many=True, read_only=True)

    class Meta:
        model = ApiClient
        fields = ["name", "username", "full_name", "contact", "industries", "region_code", "region_name", "rate", "active",
                  "created", "tokens"]
        read_only_fields = fields
        extra_kwargs = {"rate": {"help_text": "限流：每秒/分/时/天的请求数，如 `1200/min`；超出返回 429 及 `Retry-After`。"}}


class ApiCallSerializer(serializers.ModelSerializer):
    token_name = serializers.CharField(source="token.name", read_only=True, allow_null=True, default=None)
    token_prefix = serializers.CharField(source="token.prefix", read_only=True, allow_null=True, default=None)

    class Meta:
        model = ApiCall
        fields = ["id", "time", "method", "path", "status", "duration_ms", "request_bytes", "response_bytes", "rows",
                  "token_name", "token_prefix"]
        read_only_fields = fields
        extra_kwargs = {
            "path": {"help_text": "请求路径（查询字符串截取前 100 个字符）。"},
            "rows": {"help_text": "列表接口返回的记录条数；非列表接口为 null。"},
        }


class ApiCallDaySerializer(serializers.Serializer):
    date = serializers.DateField()
    calls = serializers.IntegerField(help_text="调用次数")
    errors = serializers.IntegerField(help_text="状态码 ≥ 400 的调用次数")
    request_bytes = serializers.IntegerField(help_text="请求字节数")
    response_bytes = serializers.IntegerField(help_text="响应字节数")
    bytes = serializers.IntegerField(help_text="请求与响应字节数之和")


class ApiCallSummarySerializer(serializers.Serializer):
    since = serializers.DateTimeField()
    until = serializers.DateTimeField(allow_null=True)
    calls = serializers.IntegerField()
    errors = serializers.IntegerField()
    bytes = serializers.IntegerField()
    days = ApiCallDaySerializer(many=True)
