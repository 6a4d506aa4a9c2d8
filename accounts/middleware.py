from django.conf import settings
from django.utils import translation


class LanguageMiddleware:
    """Bahasa Indonesia unless the person chose English.

    The choice comes from the signed-in person's profile, else from the language cookie
    set by the switch; the browser's Accept-Language is deliberately ignored, since many
    Indonesian offices run browsers in English. Goes after AuthenticationMiddleware.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        language = user.language if user is not None and user.is_authenticated and user.language else None
        language = language or request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if language not in dict(settings.LANGUAGES):
            language = settings.LANGUAGE_CODE
        request.LANGUAGE_CODE = language
        # override() restores the thread's language afterwards, so nothing outside this
        # request (a worker, the next request on this thread) inherits the choice.
        with translation.override(language):
            response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response


class RequestMemoMiddleware:
    """Gives the signed-in person of a request a memo (``user.request_memo``) for what is read
    about them several times while the request is served, e.g. their delegations in force
    (read by the header, the inbox, the access checks: five times a page). The user object
    lives for one request, so nothing is kept longer; code working outside a request (the
    worker, the services called directly) finds no memo and reads live."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            user.request_memo = {}
        return self.get_response(request)


def remembered(user, key: str, read):
    """What ``read()`` returns about ``user``, read once a request (RequestMemoMiddleware's
    memo); outside a request, read every time."""
    memo = getattr(user, "request_memo", None)
    if memo is None:
        return read()
    if key not in memo:
        memo[key] = read()
    return memo[key]
