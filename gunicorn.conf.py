"""gunicorn's settings, read from the working directory by every ``gunicorn lpse_sop.wsgi``
(the Procfile, docs/deploy.md, ``make load``); flags on the command line still win."""

# The application is loaded once, by the master, and every worker is forked from it. A worker
# that dies (killed, out of memory, recycled) is replaced in milliseconds instead of importing
# Django and the application again (1.1-1.5 s of a core on 2026-12-06's machine, while the
# other worker takes every request), and the startup objects that wsgi.py freezes out of the
# garbage collector's view are shared by the workers. A new release restarts gunicorn (a HUP
# would fork the old code again).
preload_app = True
