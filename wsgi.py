"""WSGI entry point for gunicorn (``gunicorn wsgi:app``) and ``flask --app wsgi``."""

import gc

# Importing the application creates a few hundred thousand objects that live as
# long as the process (modules, classes, SQLAlchemy mappers, routes); with the
# collector on, CPython walks them again and again while they are created (about
# 15 % of a `flask` command's start-up, measured with gc.callbacks). Collect
# nothing while importing, then move them out of the collector's sight
# (gc.freeze, as the CPython documentation advises for pre-fork servers): later
# collections only walk what requests and commands create.
gc.disable()
try:
    from survey_app import create_app

    app = create_app()
finally:
    gc.enable()
gc.freeze()
