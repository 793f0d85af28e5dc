"""URLs of complaints' pages, mounted at /clues/. A clue's address is its number, as in the API."""
from django.urls import path

from . import views

app_name = "complaints"
urlpatterns = [
    path("", views.ClueListView.as_view(), name="clue_list"),
    path("<str:number>/", views.ClueDetailView.as_view(), name="clue_detail"),
]
