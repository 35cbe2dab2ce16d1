#!/usr/bin/env bash
# `make run`: database (embedded unless DATABASE_URL), migrations, reference and demo data, a worker, the server.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
PORT=${PORT:-8000}
mkdir -p .run/broker .run/broker-done .run/broker-control
export DJANGO_DEBUG=${DJANGO_DEBUG:-1}
# Verification links and QR codes printed on notices and reports point at the port this demo serves.
export PORTAL_PUBLIC_URL=${PORTAL_PUBLIC_URL:-http://127.0.0.1:${PORT}}

if [ -z "${DATABASE_URL:-}" ]; then
  echo "No DATABASE_URL: starting the embedded PostgreSQL server in .run/pgdata"
  DATABASE_URL=$($BIN/python -m core.embedded_pg)
  export DATABASE_URL
fi

$BIN/python manage.py migrate --noinput
$BIN/python manage.py seed_demo ${SEED_ARGS:-}

# Background work: a real worker. With REDIS_URL it uses Redis; without, a filesystem broker in .run/.
pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; }
trap cleanup EXIT INT TERM
# Two workers, so work a person waits for never queues behind a print run (queues: config/queues.py):
# one for interactive work and alerts, one for bulk work and printing (at a lower CPU priority, so the person
# at the desk is served first). Together they consume every queue.
$BIN/celery -A config worker -Q interactive,alerts -n interactive@%h --loglevel=INFO --concurrency=1 \
  >.run/worker.log 2>&1 &
pids+=($!)
nice -n 10 $BIN/celery -A config worker -Q bulk,print -n bulk@%h --loglevel=INFO --concurrency=2 >.run/worker-bulk.log 2>&1 &
pids+=($!)
$BIN/celery -A config beat --loglevel=INFO --schedule=.run/celerybeat-schedule >.run/beat.log 2>&1 &
pids+=($!)
echo "Worker logs: .run/worker.log (interactive, alerts), .run/worker-bulk.log (bulk, print)"
echo "Serving on http://127.0.0.1:${PORT}/"
$BIN/python manage.py runserver "127.0.0.1:${PORT}" --noreload
