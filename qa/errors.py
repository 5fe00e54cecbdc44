"""The errors `qa` raises on purpose: each names the bad value, the rule and the fix."""

from __future__ import annotations


class QAError(Exception):
    """Base of every error a person can act on; the CLI and the page print it as one line."""


class InputError(QAError):
    """A file, folder, question or option that `qa` cannot use."""


class IndexCorruptError(QAError):
    """The saved index is damaged or was written by something else."""


class ModelError(QAError):
    """An embedding model that was asked for by name cannot be loaded."""


__all__ = ["IndexCorruptError", "InputError", "ModelError", "QAError"]
