# syntax=docker/dockerfile:1
# congress: build the wheel in a virtualenv, then copy that virtualenv into a slim runtime with
# Pango (WeasyPrint) and fonts for Latin, Cyrillic and Chinese.
#
#   docker build -t congress .
#   docker run -p 8000:8000 -v congress-data:/data congress
#
# One image, two roles: the web (`congress serve`, the default command) and, with
# CONGRESS_JOBS=queue, the job worker (`congress worker`); deploy/compose.yaml runs both. With
# PostgreSQL and the queue, `congress serve --workers N` runs N web processes in one container.

ARG PYTHON_IMAGE=python:3.11-slim-bookworm

FROM ${PYTHON_IMAGE} AS builder
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1
WORKDIR /src
# The virtualenv lives at the same path in both stages: its scripts point at /opt/congress.
RUN python -m venv /opt/congress
COPY . .
# A real (non-editable) wheel: templates, static files and migrations travel inside it
# as congress/_data/ (see [tool.hatch.build.targets.wheel.force-include]).
RUN /opt/congress/bin/pip wheel --no-deps --wheel-dir /wheels . \
 && /opt/congress/bin/pip install /wheels/congress-*.whl

FROM ${PYTHON_IMAGE} AS runtime
# postgresql-client-15: pg_dump/pg_restore for `congress backup|restore` on PostgreSQL; pg_dump
# must be at least the server's major version (bookworm's is 15; for a newer server, add the
# PostgreSQL apt repository and its postgresql-client-N instead).
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 \
      fonts-dejavu-core fonts-liberation2 fonts-noto-cjk \
      postgresql-client-15 \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --system --gid 10001 congress \
 && useradd --system --uid 10001 --gid congress --home-dir /data --shell /usr/sbin/nologin congress \
 && mkdir -p /data \
 && chown congress:congress /data
COPY --from=builder /opt/congress /opt/congress
ENV PATH=/opt/congress/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    CONGRESS_DATA_DIR=/data \
    CONGRESS_HOST=0.0.0.0 \
    CONGRESS_PORT=8000
USER congress
WORKDIR /data
# SQLite database, uploaded media and the generated secret key (unless CONGRESS_DATABASE_URL
# and CONGRESS_SECRET_KEY are given).
VOLUME ["/data"]
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
  CMD python -c "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/health' % os.environ.get('CONGRESS_PORT', '8000'), timeout=4)" || exit 1
# Migrates the database if needed, then serves.
CMD ["congress", "serve", "--host", "0.0.0.0"]
