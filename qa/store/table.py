"""A collection's chunks as four columns of numbers: a chunk is made when it is read, its text a slice of its document.

A million chunks load as one array in milliseconds, and no chunk text is stored twice (the document holds it).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import overload

import numpy as np

from qa.types import Chunk, Document

ROW = np.dtype([("doc", "<i4"), ("start", "<i8"), ("end", "<i8"), ("section", "<i4")])


class ChunkTable(Sequence[Chunk]):
    """The chunks of `documents`, one row each (document index, start, end, section index), grouped by document."""

    def __init__(self, documents: Sequence[Document], rows: np.ndarray, sections: Sequence[str]) -> None:
        self.documents = list(documents)
        self.rows = rows
        self.sections = list(sections)
        self._doc_index = {d.doc_id: i for i, d in enumerate(self.documents)}
        # Where each document's rows begin and end: a build lists a document's chunks together, in order.
        self._bounds = np.searchsorted(rows["doc"], np.arange(len(self.documents) + 1), side="left")

    @classmethod
    def of(cls, documents: Sequence[Document], chunks: Sequence[Chunk]) -> ChunkTable:
        """The table of `chunks`, each document's chunks taken in their order."""
        by_document: dict[str, list[Chunk]] = {d.doc_id: [] for d in documents}
        for chunk in chunks:
            by_document[chunk.doc_id].append(chunk)
        return assemble(documents, list(by_document.values()))

    def __len__(self) -> int:
        return len(self.rows)

    @overload
    def __getitem__(self, at: int) -> Chunk: ...
    @overload
    def __getitem__(self, at: slice) -> list[Chunk]: ...
    def __getitem__(self, at: int | slice) -> Chunk | list[Chunk]:
        if isinstance(at, slice):
            return [self[i] for i in range(*at.indices(len(self)))]
        doc, start, end, section = self.rows[at].tolist()
        document = self.documents[doc]
        return Chunk(document.doc_id, start, end, document.text[start:end], self.sections[section])

    def __iter__(self) -> Iterator[Chunk]:
        for i in range(len(self)):
            yield self[i]

    def of_document(self, doc_id: str) -> range:
        """The row numbers of `doc_id`'s chunks (empty for an unknown id)."""
        at = self._doc_index.get(doc_id)
        return range(0) if at is None else range(int(self._bounds[at]), int(self._bounds[at + 1]))

    def index_of(self, doc_id: str, start: int) -> int | None:
        """The row of the chunk of `doc_id` that begins at `start`, if there is one."""
        rows = self.of_document(doc_id)
        starts = self.rows["start"][rows.start : rows.stop]
        at = int(np.searchsorted(starts, start))
        return rows.start + at if at < len(starts) and starts[at] == start else None

    def problem(self) -> str | None:
        """What is inconsistent in the rows (offsets outside their document, unknown ids, out of order), or None."""
        rows = self.rows
        if not len(rows):
            return None
        docs = rows["doc"]
        if docs.min() < 0 or docs.max() >= len(self.documents) or np.any(np.diff(docs) < 0):
            return "a chunk names an unknown document, or documents are out of order"
        if rows["section"].min() < 0 or rows["section"].max() >= len(self.sections):
            return "a chunk names an unknown section"
        lengths = np.array([len(d.text) for d in self.documents], dtype=np.int64)[docs]
        if np.any(rows["start"] < 0) or np.any(rows["end"] <= rows["start"]) or np.any(rows["end"] > lengths):
            return "a chunk's offsets fall outside its document"
        same = docs[1:] == docs[:-1]
        if np.any(rows["start"][1:][same] <= rows["start"][:-1][same]):
            return "a document's chunks are out of order"
        return None


@dataclass(frozen=True)
class Kept:
    """A document's chunks taken over from an earlier table as they are (rows, not chunk objects)."""

    table: ChunkTable
    rows: range

    def __len__(self) -> int:
        return len(self.rows)


def assemble(documents: Sequence[Document], pieces: Sequence[Kept | Sequence[Chunk]]) -> ChunkTable:
    """The table of `documents`, one piece each: rows kept from an earlier table, or new chunks."""
    sections: dict[str, int] = {}
    # Rows kept from one earlier table keep its section numbers: its names come first, in its order.
    base = next((p.table for p in pieces if isinstance(p, Kept)), None)
    for name in base.sections if base is not None else ():
        sections.setdefault(name, len(sections))
    blocks = []
    for at, piece in enumerate(pieces):
        if isinstance(piece, Kept) and piece.table is base:
            block = piece.table.rows[piece.rows.start : piece.rows.stop].copy()
        elif isinstance(piece, Kept):
            block = piece.table.rows[piece.rows.start : piece.rows.stop].copy()
            used = np.unique(block["section"])
            mapping = np.zeros(max(int(used.max()) + 1, 1) if len(used) else 1, dtype=np.int32)
            for old in used.tolist():
                mapping[old] = sections.setdefault(piece.table.sections[old], len(sections))
            block["section"] = mapping[block["section"]]
        else:
            block = np.empty(len(piece), dtype=ROW)
            for i, c in enumerate(piece):
                block[i] = (at, c.start, c.end, sections.setdefault(c.section, len(sections)))
        block["doc"] = at
        blocks.append(block)
    rows = np.concatenate(blocks) if blocks else np.empty(0, dtype=ROW)
    return ChunkTable(documents, rows, list(sections))
