# Fremad in a container: the wheel (catalogues compiled at build time) in a slim Python image,
# run as a non-root user. Works with a read-only root filesystem: the only writable places
# are /data (a volume: the SQLite file and its key file when not on PostgreSQL, the crisis
# outbox) and a tmpfs on /tmp (caches; see compose.yaml).
#   docker build -t fremad .
#   docker run --read-only --tmpfs /tmp -v fremad-data:/data --env-file .env fremad run
FROM python:3.11-slim AS build
WORKDIR /src
COPY . .
# The application and its dependencies as wheels (only from the package index).
RUN pip wheel --no-cache-dir --no-deps -w /wheels . \
 && pip wheel --no-cache-dir -w /wheels -r requirements.lock

FROM python:3.11-slim
RUN useradd --system --uid 10001 --user-group --home-dir /data --shell /usr/sbin/nologin fremad \
 && mkdir -p /data && chown fremad:fremad /data
COPY --from=build /wheels /wheels
RUN pip install --no-cache-dir --no-index --find-links /wheels fremad && rm -rf /wheels
ENV PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    HOME=/data \
    XDG_CACHE_HOME=/tmp/cache \
    MPLCONFIGDIR=/tmp/matplotlib \
    DATABASE_URL=sqlite+aiosqlite:////data/fremad.sqlite3 \
    WEBHOOK_HOST=0.0.0.0 \
    WEBHOOK_PORT=8080 \
    HEALTH_HOST=0.0.0.0 \
    HEALTH_PORT=8080
WORKDIR /data
VOLUME /data
USER 10001:10001
EXPOSE 8080
# /livez: the process is alive (webhook mode on WEBHOOK_PORT; polling mode on HEALTH_PORT; keep
# the two equal, as here, so one check fits both).
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:' + os.environ.get('HEALTH_PORT', '8080') + '/livez', timeout=4)"]
ENTRYPOINT ["fremad"]
CMD ["run"]
