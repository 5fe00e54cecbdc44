"""The errors `qa` raises on purpose: each names the bad value, the rule and the fix; and where a command-line
tool shows `qa`'s notes."""

from __future__ import annotations

import logging
import sys


class QAError(Exception):
    """Base of every error a person can act on; the CLI and the page print it as one line."""


class InputError(QAError):
    """A file, folder, question or option that `qa` cannot use."""


class IndexCorruptError(QAError):
    """The saved index is damaged or was written by something else."""


class ModelError(QAError):
    """An embedding model that was asked for by name cannot be loaded."""


def notes_to_stderr() -> logging.Logger:
    """`qa`'s logged notes (a damaged collection rebuilt, the offline embedder standing in) as one `qa: note:` line
    each on stderr, and not passed on to the root logger; set up once per process. Returns the logger, whose level
    the caller sets (or leaves)."""
    logger = logging.getLogger("qa")
    if not logger.handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("qa: note: %(message)s"))
        logger.addHandler(handler)
        logger.propagate = False
    return logger


__all__ = ["IndexCorruptError", "InputError", "ModelError", "QAError", "notes_to_stderr"]
