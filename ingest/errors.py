"""The one error readers raise."""


class ReadError(ValueError):
    """The file cannot be read as the kind of file it claims to be."""
