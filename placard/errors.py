"""One exception family, so callers can catch Placard's errors by type."""


class PlacardError(Exception):
    """Base of every error Placard raises on purpose."""


class InputError(PlacardError):
    """A document cannot be read: empty, binary, undecodable, malformed."""


class StoreError(PlacardError):
    """The event store cannot be opened or written."""


class ConfigError(PlacardError):
    """A setting, lexicon or option is invalid."""


class NotFound(PlacardError):
    """An id (event, mention, document) that the store does not hold."""
