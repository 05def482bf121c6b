"""WSGI entry point: ``gunicorn wsgi:app``."""

import gc

from learning_app import create_app

app = create_app()
# What starting up made lives as long as the process: the collector's full sweeps need not
# walk it on every request that triggers one (20 to 60 ms on a national page).
gc.freeze()
