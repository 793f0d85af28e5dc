"""API authentication (filled by the integrations work): `Authorization: Token <key>`."""
from rest_framework.authentication import TokenAuthentication


class ApiTokenAuthentication(TokenAuthentication):
    pass
