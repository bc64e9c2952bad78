"""One exception hierarchy: services raise these; views turn them into messages, the API
into {"message", "extra"} with a 4xx status."""


class ApplicationError(Exception):
    """A rule of the domain was broken by the request; the message is for the user."""

    status_code = 400

    def __init__(self, message, extra: dict | None = None):
        super().__init__(message)
        self.message = message
        self.extra = extra or {}


class NotFound(ApplicationError):
    """The object does not exist or lies outside the acting user's scope (never say which)."""

    status_code = 404


class Forbidden(ApplicationError):
    """The roles do not allow this. `kind` says which answer is true: CANNOT_OPEN (no grant
    carries the permission the page needs) or VIEW_ONLY (the object is seen, but this action
    on it is not allowed); the 403 page says the one that is."""

    status_code = 403
    CANNOT_OPEN = "cannot_open"
    VIEW_ONLY = "view_only"

    def __init__(self, message, extra: dict | None = None, *, kind: str = CANNOT_OPEN):
        super().__init__(message, extra)
        self.kind = kind
