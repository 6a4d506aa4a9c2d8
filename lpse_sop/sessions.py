"""Sessions that end: after 30 idle minutes and after 12 hours at most (both settings), and
pages and files of a signed-in person that no browser or proxy keeps (``no-store``)."""
from __future__ import annotations

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.utils.cache import patch_cache_control
from django.utils.http import urlencode
from django.utils.translation import gettext as _

LAST_SEEN, STARTED = "_lpse_last_seen", "_lpse_started"
# Activity is recorded at most once a minute: recording it on every request saved the session
# (an UPDATE and a commit's flush) on every page. A session may so end up to a minute before
# 30 idle minutes have passed since the very last request, never after.
SEEN_EVERY_SECONDS = 60


class SessionLimitsMiddleware:
    """After AuthenticationMiddleware and MessageMiddleware: ends a session idle for SESSION_IDLE_SECONDS or older
    than SESSION_MAX_SECONDS, telling the person why on the login page. A request less than
    SEEN_EVERY_SECONDS after the recorded activity leaves the session unsaved."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = time.time()
            last = request.session.get(LAST_SEEN, now)
            started = request.session.setdefault(STARTED, now)
            if now - last > settings.SESSION_IDLE_SECONDS or now - started > settings.SESSION_MAX_SECONDS:
                idle = now - last > settings.SESSION_IDLE_SECONDS
                logout(request)
                messages.info(request, _("Sesi Anda berakhir karena %(why)s; silakan masuk lagi.") % {
                    "why": _("tidak aktif %(m)d menit") % {"m": settings.SESSION_IDLE_SECONDS // 60} if idle
                    else _("sudah berlangsung %(h)d jam") % {"h": settings.SESSION_MAX_SECONDS // 3600}})
                return redirect(f"{settings.LOGIN_URL}?{urlencode({'next': request.get_full_path()})}")
            if now - last >= SEEN_EVERY_SECONDS or LAST_SEEN not in request.session:
                request.session[LAST_SEEN] = now
        response = self.get_response(request)
        if user is not None and user.is_authenticated:  # personal data: never cached
            patch_cache_control(response, no_store=True, private=True)
        return response


def client_ip(request) -> str:
    """The address failed logins are counted against (django-axes). Behind the proxy
    (BEHIND_PROXY), the one nginx sets in X-Real-IP from the connection it received, which a
    client cannot forge; otherwise the connection's own address."""
    if settings.BEHIND_PROXY:
        forwarded = request.META.get("HTTP_X_REAL_IP", "").strip()
        if forwarded:
            return forwarded
    return request.META.get("REMOTE_ADDR", "")
