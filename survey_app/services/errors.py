"""Domain exceptions raised by services and translated to pages or CLI errors by callers."""


class DomainError(Exception):
    """A rule of the domain was broken; the message is safe to show the user."""


class NotFound(DomainError):
    """The object does not exist in the caller's organisation (404, never 403)."""


class Conflict(DomainError):
    """The object already exists or is in a state that forbids the change."""
