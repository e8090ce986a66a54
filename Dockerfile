# syntax=docker/dockerfile:1
# One image for web (gunicorn), worker (celery worker) and beat (celery beat).

FROM python:3.11-slim-bookworm AS build
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1
RUN apt-get update && apt-get install -y --no-install-recommends build-essential pkg-config libmariadb-dev \
    && rm -rf /var/lib/apt/lists/*
COPY requirements/ /tmp/requirements/
RUN python -m venv /venv && /venv/bin/pip install -r /tmp/requirements/production.txt -r /tmp/requirements/mysql.txt

FROM python:3.11-slim-bookworm AS runtime
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PATH="/venv/bin:$PATH" \
    DJANGO_SETTINGS_MODULE=blog_site.settings PORT=8000
RUN apt-get update && apt-get install -y --no-install-recommends \
      libmariadb3 libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fontconfig fonts-wqy-microhei \
      espeak-ng ffmpeg mariadb-client postgresql-client zstd curl \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --create-home --uid 10001 inkwell
COPY --from=build /venv /venv
WORKDIR /app
COPY --chown=inkwell:inkwell . .
# Build-time only values: collectstatic needs settings to import, not real secrets.
RUN DEBUG=false SECRET_KEY=build-only ALLOWED_HOSTS=build SITE_URL=https://build.invalid \
      python manage.py collectstatic --noinput \
    && python scripts/compile_messages.py \
    && mkdir -p /app/media /app/private_media /app/backups && chown -R inkwell:inkwell /app
USER inkwell
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD curl -fsS "http://127.0.0.1:${PORT}/healthz" || exit 1
CMD ["sh", "-c", "gunicorn blog_site.wsgi --bind 0.0.0.0:${PORT} --workers ${WEB_CONCURRENCY:-3} --access-logfile - --forwarded-allow-ips='*'"]
