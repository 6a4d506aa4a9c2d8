import gc
import os

from django.core.wsgi import get_wsgi_application
from django.db import connections
from django.urls import get_resolver
from django.utils import timezone

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lpse_sop.settings")
application = get_wsgi_application()

from worktime.calendar import national_holidays  # noqa: E402 - needs the settings loaded

# What is loaded at startup (Django, the app's modules, the URL patterns) lives as long as the
# worker: frozen out of the garbage collector's view, a full collection no longer walks it on
# every tenth request or so (a 70 ms pause on the deviation register at 100,000 cases).
get_resolver().url_patterns  # noqa: B018 - import every view module now, not on the first request
# The holidays library loads its tables on first use (77 ms): now, not in the first step a worker saves.
national_holidays(timezone.now().year)
# gunicorn loads this module once and forks its workers from it (gunicorn.conf.py): no database
# connection opened while loading may be shared by them.
connections.close_all()
gc.collect()
gc.freeze()
