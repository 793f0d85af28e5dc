"""How a serving process settles in after start-up (gunicorn workers through wagecase.wsgi, Celery
worker processes, the bench that measures them)."""
import gc


def freeze_startup_heap():
    """Load what every request needs (the URLconf, hence every view, serializer and FilterSet), then
    move every object alive now out of the garbage collector's reach (gc.freeze()).

    Those objects (Django, the apps and their modules: ~150,000 tracked containers) live as long
    as the process, yet each full pass of the cyclic collector traversed all of them again, in the
    middle of whichever request triggered it: ~100-140 ms each. Over 300 requests of the clue list
    (bench data), the full passes took 516 ms in all, 142 ms at most; with the start-up heap frozen,
    85 ms in all, 20 ms at most. Collection goes on as before for what requests allocate. Returns
    how many objects were frozen."""
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 -- imports the views (the URLconf is otherwise loaded on the first request)
    gc.collect()
    gc.freeze()
    return gc.get_freeze_count()
