"""URLs of inspections's pages."""

app_name = "inspections"
urlpatterns = []
