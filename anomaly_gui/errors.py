"""Typed errors of the core. The GUI and the CLI turn each into one clear message."""


class AnomalyGuiError(Exception):
    """Base of every error a user can cause; the message is meant for the user."""


class ReadError(AnomalyGuiError):
    """A file could not be read (missing, truncated, malformed, empty)."""


class UnsupportedFormatError(ReadError):
    """The file's format is not one we read."""


class MissingSamplingRateError(ReadError):
    """The file does not state its sampling rate; the caller must supply one."""


class ChannelSelectionError(AnomalyGuiError):
    """A requested channel does not exist or is ambiguous."""


class DataError(AnomalyGuiError):
    """The data cannot be used as it is (NaN/inf, too short, mismatched channels)."""


class TrainingError(AnomalyGuiError):
    """Training could not run or did not converge to usable weights."""


class ModelFileError(AnomalyGuiError):
    """A saved model is missing, malformed or does not fit the recording."""


class Cancelled(AnomalyGuiError):
    """The user cancelled a long-running task."""

    def __init__(self, message: str = "Cancelled by the user.") -> None:
        super().__init__(message)
