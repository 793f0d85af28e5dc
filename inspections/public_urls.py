"""URLs of the public (no-login) result pages of double-random draws, mounted at /public/draws/
(namespace "public_draws")."""
from django.urls import path

from . import public

app_name = "public_draws"
urlpatterns = [
    path("<int:pk>/", public.draw_result, name="draw"),
]
