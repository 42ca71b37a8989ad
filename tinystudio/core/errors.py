"""One exception hierarchy for everything the core can refuse.

Every error carries a ``message`` written for a person who has never programmed
(the GUI shows it as is, the CLI prints it and exits with code 2), and optional
``details`` for the curious (shown behind a "Details" button / ``--verbose``).
"""

from __future__ import annotations


class TinyStudioError(Exception):
    """Base class: a problem we understand and can explain in plain words."""

    #: Exit code the CLI uses for this kind of problem.
    exit_code = 2

    def __init__(self, message: str, *, details: str = "", code: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.details = details
        #: A stable machine-readable name for the problem (e.g. ``"empty_file"``).
        self.code = code

    def __str__(self) -> str:
        return self.message


class DataError(TinyStudioError):
    """The user's data file cannot be used as it is (unreadable, empty, one class...).

    ``report`` holds the :class:`~tinystudio.core.data.report.DataReport` when the
    file could be read but its content is unusable (for example a single class).
    """

    def __init__(self, message: str, *, details: str = "", code: str = "", report=None) -> None:
        super().__init__(message, details=details, code=code)
        self.report = report


class ModelFileError(TinyStudioError):
    """A model folder is missing, corrupt, from an unknown version or unsafe."""


class TrainingError(TinyStudioError):
    """Training could not go on (for example the loss became NaN)."""


class ConfigError(TinyStudioError):
    """Settings that do not fit together (unknown preset, bad column name, ...)."""


class CancelledError(TinyStudioError):
    """The user asked to stop. Not a failure: whatever was kept is still valid."""

    exit_code = 130


class CompressError(TinyStudioError):
    """A compression method cannot be applied to this model (or this computer)."""
