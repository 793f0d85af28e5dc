"""Template context for every page: navigation and calendar warnings."""


def navigation(request):
    from .navigation import menu_for

    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    from .workdays import missing_schedule_years

    return {"nav_menu": menu_for(request), "calendar_missing_years": missing_schedule_years()}
