"""The public result of a double-random draw (双随机一公开), without login: `/public/draws/<id>/`.

Only a published draw exists here (any other id is 404, whether or not it exists). The page shows
the campaign, the date, the seed, both pools and the result, with the algorithm, so that anyone
can re-run the draw and check it. Inspectors appear by full name only, never by their login
name: the inspector pool is shown in its stored order (sorted by login name) and numbered, and
because the draw picks by position, re-running it on the numbers 1…n gives the same picks."""
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from projects.models import Project
from wagecase.core.models import User

from .models import Draw


@require_GET
def draw_result(request, pk):
    draw = get_object_or_404(Draw.objects.select_related("campaign", "region"), pk=pk, published=True)
    names = dict(User.objects.filter(username__in=draw.inspector_pool).values_list("username", "full_name"))
    position = {username: n for n, username in enumerate(draw.inspector_pool, start=1)}
    projects = dict(Project.objects.filter(code__in=[row["project"] for row in draw.result]).values_list("code", "name"))
    rows = [
        {
            "code": row["project"],
            "name": projects.get(row["project"], ""),
            "inspectors": [(position.get(u), names.get(u) or "—") for u in row["inspectors"]],
        }
        for row in draw.result
    ]
    context = {
        "draw": draw,
        "rows": rows,
        "project_pool": draw.project_pool,
        "inspector_pool": [(n, names.get(u) or "—") for u, n in position.items()],
        "inspector_numbers": list(range(1, len(draw.inspector_pool) + 1)),
    }
    response = render(request, "inspections/public_draw.html", context)
    response["Cache-Control"] = "public, max-age=300"
    return response
