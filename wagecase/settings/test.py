"""Settings for the test suite. DATABASE_URL and CELERY_BROKER_URL still come from the environment."""
from .base import *  # noqa: F401,F403

SECRET_KEY = SECRET_KEY or "test-only-not-secret"  # noqa: F405
DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Tests run tasks in-process; tests marked real_worker switch to the broker for themselves.
# (A beat started by a test sets CELERY_TASK_ALWAYS_EAGER=false, so that it sends to the broker.)
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", True)  # noqa: F405
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}  # noqa: F405
WHITENOISE_USE_FINDERS = True
STATIC_ROOT = None  # served from the finders; no collectstatic (and no "No directory" warning) in tests
MEDIA_ROOT = VAR_DIR / "test-media"  # noqa: F405
LANGUAGE_CODE = "zh-hans"
# Login lockout stays on (tests/core/test_hardening.py). django-axes needs the request: log in with
# client.force_login(user) or by posting to /login/, not client.login() (which passes none).
AXES_ENABLED = True
