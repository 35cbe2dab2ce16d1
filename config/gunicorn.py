"""gunicorn settings for the portal (`gunicorn -c config/gunicorn.py config.wsgi:application`).

Sync workers, one request each: the pages are CPU-bound Python with short database waits, so on N cores about
2N+1 processes keep the cores busy while some wait on PostgreSQL, without threads contending for the GIL.
WEB_CONCURRENCY and GUNICORN_THREADS override; GUNICORN_BIND sets the address.
"""

import os

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
cores = len(os.sched_getaffinity(0))  # the cores this process may use (a container's cpuset), not the host's
workers = int(os.environ.get("WEB_CONCURRENCY", 2 * cores + 1))
threads = int(os.environ.get("GUNICORN_THREADS", 1))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 120))
keepalive = 5  # the reverse proxy and the load test reuse connections
accesslog = None  # the proxy logs requests; the portal's own audit log records who saw what
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "warning")

# Garbage collection in a worker (the Instagram recipe, Python's gc.freeze docs): everything loaded before the
# first request (Django, the apps, templates) lives as long as the process, so it is moved out of the collector's
# sight; and with a higher first threshold the collector runs every ~50,000 container allocations instead of 700.
# A request's garbage is freed by reference counting; in the load test (issue 10) the default settings ran a
# collection every few requests, scanning the whole heap now and then: ~1 ms a request.
GC_THRESHOLD = tuple(int(x) for x in os.environ.get("GUNICORN_GC_THRESHOLD", "50000,20,100").split(","))


def post_worker_init(worker):
    import gc

    gc.collect()
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLD)
