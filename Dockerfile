FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 DJANGO_SETTINGS_MODULE=config.settings
RUN apt-get update && apt-get install -y --no-install-recommends \
        fonts-noto-cjk libharfbuzz-subset0 libpango-1.0-0 libpangoft2-1.0-0 \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY pyproject.toml README.md ./
COPY . .
RUN pip install --no-cache-dir . && python scripts/compilemessages.py \
    && SECRET_KEY=build-only DJANGO_PLAIN_STATIC=0 python manage.py collectstatic --noinput
RUN useradd --system --uid 1000 portal && mkdir -p /data/media && chown portal /data/media
USER portal
EXPOSE 8000
