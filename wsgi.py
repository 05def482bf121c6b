"""WSGI entry point: ``gunicorn wsgi:app``."""

from learning_app import create_app

app = create_app()
