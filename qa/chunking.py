"""Chunking: sentences with exact offsets, grouped into passages that never cross a section."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from qa.loading import iter_lines
from qa.types import Chunk, Document, Span

_SENTENCE = re.compile(r"[^。！？；!?;\n]+[。！？；!?;]*[”’\"')）]*")
# Commas and colons cut clauses, except inside numbers and times (`2,400`, `12:30`).
_CLAUSE = re.compile(r"(?:[^，,：:。！？；!?;\n]|(?<=\d)[,:](?=\d))+[，,：:。！？；!?;]*[”’\"')）]*")
SECTION_SEP = " › "
OPENING = "开头"
CLOSING = "落款"


@dataclass(frozen=True)
class Sentence:
    """A sentence of one document, with the heading path of the section it sits in."""

    start: int
    end: int
    section: str
    is_heading: bool = False


def split_spans(text: str, start: int, end: int, pattern: re.Pattern[str] = _SENTENCE) -> list[Span]:
    """Spans of `text[start:end]` cut by `pattern`, trimmed of surrounding whitespace."""
    spans = []
    for m in pattern.finditer(text, start, end):
        s, e = m.start(), m.end()
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if e > s:
            spans.append(Span(s, e))
    return spans


def split_clauses(text: str, start: int, end: int) -> list[Span]:
    """Clauses of a sentence, cut at commas, enumeration commas and colons as well."""
    return split_spans(text, start, end, _CLAUSE)


def sentences(doc: Document) -> list[Sentence]:
    """Every sentence of the document in order; heading lines are one sentence each."""
    out: list[Sentence] = []
    path: list[tuple[int, str]] = []
    date = doc.structure.date
    # The loader's headings: numbered lines (`一、…`) and, in Word files, paragraphs styled as headings.
    levels = {h.start: h.level for h in doc.structure.headings}
    for start, end, line in iter_lines(doc.text):
        level = levels.get(start, 0)
        if level:
            path = [(lvl, title) for lvl, title in path if lvl < level] + [(level, line)]
            out.append(Sentence(start, end, _section_name(path), is_heading=True))
            continue
        section = CLOSING if date is not None and start == date.start else _section_name(path)
        out.extend(Sentence(s.start, s.end, section) for s in split_spans(doc.text, start, end))
    return out


def _section_name(path: list[tuple[int, str]]) -> str:
    return SECTION_SEP.join(title for _, title in path) if path else OPENING


def chunk_document(doc: Document, min_chars: int = 100, max_chars: int = 250) -> list[Chunk]:
    """Group sentences into passages of about `min_chars`..`max_chars` characters within one section.

    Heading lines open the first passage of the section they head, so a passage's text carries its
    own headings; a sentence longer than `max_chars` becomes a passage of its own.
    """
    chunks: list[Chunk] = []
    for group in _groups(sentences(doc), min_chars, max_chars):
        start, end = group[0].start, group[-1].end
        chunks.append(Chunk(doc.doc_id, start, end, doc.text[start:end], group[-1].section))
    return chunks


def _groups(items: list[Sentence], min_chars: int, max_chars: int) -> Iterator[list[Sentence]]:
    group: list[Sentence] = []
    for sent in items:
        if group and _must_close(group, sent, min_chars, max_chars):
            yield group
            group = []
        group.append(sent)
    if group:
        yield group


def _must_close(group: list[Sentence], sent: Sentence, min_chars: int, max_chars: int) -> bool:
    last = group[-1]
    if sent.is_heading:
        # A heading starts a new section; only headings directly above it may share its passage.
        return not last.is_heading
    if last.is_heading:
        return False
    if sent.section != last.section:
        return True
    length = group[-1].end - group[0].start
    return length >= min_chars or length + (sent.end - last.end) > max_chars


def indexed_text(chunk: Chunk, doc: Document) -> str:
    """What the retrievers index for `chunk`: its section path and its document's subject, then its text.

    A later passage of an article never names what the article is about (`本鱼体呈银灰色`); the header
    lets a question naming it (`蓝线裸顶鲷的身体是什么颜色的？`) find that passage.
    """
    return f"{chunk.section} {doc.subject}\n{chunk.text}" if doc.subject else f"{chunk.section}\n{chunk.text}"
