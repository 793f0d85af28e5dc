# syntax=docker/dockerfile:1
# The wagecase image, used by the web, worker and beat services of docker-compose.yml.
# Python packages come from PyPI (pyproject.toml), front-end assets from npm (package-lock.json),
# the CJK font of the PDF documents from Debian (fonts-noto-cjk);
# translations are compiled and static files collected here, so the running image needs no Node.

FROM python:3.11-slim-bookworm AS build
ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    PATH=/opt/venv/bin:$PATH
RUN apt-get update \
 && apt-get install -y --no-install-recommends nodejs npm \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app

# Dependencies first, so a code change does not reinstall them.
COPY pyproject.toml ./
RUN python -m venv /opt/venv && pip install . && rm -rf build *.egg-info
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund

COPY . .
# Production settings need a secret to load; this one exists only during the build.
RUN export DJANGO_SETTINGS_MODULE=wagecase.settings.production SECRET_KEY=image-build-only-not-used-at-runtime \
 && python manage.py compile_translations \
 && python manage.py collectstatic --noinput -v0 \
 && rm -rf node_modules


FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PYTHONPATH=/app \
    PATH=/opt/venv/bin:$PATH \
    DJANGO_SETTINGS_MODULE=wagecase.settings.production
# A Chinese font for the PDF documents (inspections.documents finds Noto Serif CJK SC in it).
RUN apt-get update \
 && apt-get install -y --no-install-recommends fonts-noto-cjk \
 && rm -rf /var/lib/apt/lists/*
RUN useradd --system --uid 10001 --user-group --home-dir /app --no-create-home --shell /usr/sbin/nologin wagecase
WORKDIR /app
COPY --from=build /opt/venv /opt/venv
COPY --from=build /app /app
# var/ holds the collected static files (read-only at run time) and media/ (export files, a volume).
RUN mkdir -p /app/var/media && chown -R wagecase:wagecase /app/var
USER wagecase
EXPOSE 8000
CMD ["gunicorn", "--config", "wagecase/gunicorn.conf.py", "wagecase.wsgi"]
