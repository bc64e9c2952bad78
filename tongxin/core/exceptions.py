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
    """The user can see the object but their roles do not allow this action."""

    status_code = 403
