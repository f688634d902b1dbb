# repairflow's container image: web, worker and beat are this one image with different commands
# (the Procfile's; compose.yaml runs all three). docs/deployment.md says how it is run.
#
# It installs with the very step CI runs before its tests (`make .venv/.installed`: .ci/run), so
# every CI run tests the install this image makes.
# BASE_IMAGE: any Debian-based image with Python 3.11 (python3 -m venv); python:3.11-slim by default.
ARG BASE_IMAGE=python:3.11-slim
FROM ${BASE_IMAGE}

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1

RUN apt-get update \
    && apt-get install -y --no-install-recommends make \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --create-home --uid 10001 repairflow

WORKDIR /app
COPY . .
RUN make .venv/.installed

# Production by default; runtime files (Celery beat's schedule) and uploads under /srv/repairflow,
# a volume shared by web and worker; static files collected into the image itself.
ENV REPAIRFLOW_ENV=production \
    REPAIRFLOW_VAR_DIR=/srv/repairflow/var \
    MEDIA_ROOT=/srv/repairflow/media \
    STATIC_ROOT=/app/staticfiles \
    HOST=0.0.0.0 \
    PORT=8000

# Static files, hashed and compressed (WhiteNoise serves them); production mode needs its settings
# to start, so this step is given throwaway ones: nothing it makes depends on them.
RUN SECRET_KEY="$(.venv/bin/python -c 'import secrets; print(secrets.token_urlsafe(50))')" \
    ALLOWED_HOSTS=build DATABASE_URL=postgres://build@127.0.0.1/build \
    REPAIRFLOW_VAR_DIR=/tmp/build-var \
    .venv/bin/python manage.py collectstatic --noinput \
    && rm -rf /tmp/build-var \
    && mkdir -p /srv/repairflow/var /srv/repairflow/media \
    && chown -R repairflow:repairflow /srv/repairflow

USER repairflow
VOLUME ["/srv/repairflow"]
EXPOSE 8000
# The Procfile's web; compose.yaml (and any orchestrator) gives worker and beat their commands.
CMD [".venv/bin/gunicorn", "-c", "gunicorn.conf.py", "repairflow.wsgi"]
