"""gunicorn settings of the web container (`gunicorn -c wagecase/gunicorn.conf.py wagecase.wsgi`)."""
import os

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
# gunicorn also reads WEB_CONCURRENCY itself; spelled out so the default is visible here.
workers = int(os.environ.get("WEB_CONCURRENCY", "3"))
threads = int(os.environ.get("GUNICORN_THREADS", "2"))
# Exports and reports run in the worker, so a request that takes a minute is a bug.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = 30
max_requests = 2000
max_requests_jitter = 200
accesslog = "-"
errorlog = "-"
