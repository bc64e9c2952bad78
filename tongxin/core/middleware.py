from tongxin.core.audit import remote_addr


class ApplicationErrorMiddleware:
    """Remember the client address for audit entries written while handling the request, and
    turn scope errors raised anywhere in a view into 404 and 403 pages."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = remote_addr.set(request.META.get("REMOTE_ADDR"))
        try:
            return self.get_response(request)
        finally:
            remote_addr.reset(token)

    def process_exception(self, request, exception):
        from django.http import Http404

        from tongxin.core.exceptions import Forbidden, NotFound
        from tongxin.core.views import forbidden, not_found

        if isinstance(exception, NotFound):
            return not_found(request, Http404())
        if isinstance(exception, Forbidden):
            return forbidden(request, exception)
        return None
