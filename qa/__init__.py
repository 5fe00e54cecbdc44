"""`qa`: answer questions about a Chinese document with exact, cited spans, offline."""

from qa._version import __version__
from qa.api import QA
from qa.errors import IndexCorruptError, InputError, ModelError, QAError
from qa.settings import Settings
from qa.types import Answer, Chunk, Citation, Document, Passage

__all__ = [
    "QA",
    "Answer",
    "Chunk",
    "Citation",
    "Document",
    "IndexCorruptError",
    "InputError",
    "ModelError",
    "Passage",
    "QAError",
    "Settings",
    "__version__",
]
