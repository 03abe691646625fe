"""gunicorn settings for `make serve`: workers scale with cores; override with env vars."""

import multiprocessing
import os

bind = os.environ.get("BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
threads = int(os.environ.get("THREADS", 2))
accesslog = "-"
timeout = 30
