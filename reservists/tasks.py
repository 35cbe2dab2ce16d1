"""Celery tasks of the registry. The import task lives in core.importing; importing it here registers it
with the worker (tasks are autodiscovered from the apps' tasks modules)."""

from core.importing import run_import  # noqa: F401
