"""Small files that expand to huge ones, for the hardening tests and `bench/hardening_probe.py`.

Each is written by streaming: a 1.1 GB bomb is made in a few seconds without holding 1.1 GB.
"""

from __future__ import annotations

import zipfile
import zlib
from pathlib import Path

_TYPES = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    b'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    b'<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    b'<Default Extension="xml" ContentType="application/xml"/>'
    b'<Override PartName="/word/document.xml" '
    b'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>'
)
_RELS = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    b'<Relationship Id="rId1" Target="word/document.xml" '
    b'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"/></Relationships>'
)
_BODY = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>'
)
_END = b"</w:body></w:document>"


def docx(path: Path, piece: bytes, count: int, head: bytes = b"", tail: bytes = b"") -> Path:
    """A .docx whose document.xml holds `piece` `count` times between `head` and `tail`."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", _TYPES)
        archive.writestr("_rels/.rels", _RELS)
        with archive.open("word/document.xml", "w", force_zip64=True) as member:
            member.write(_BODY + head)
            per_block = max(1, 2**20 // len(piece))
            block = piece * per_block
            written = 0
            while written + per_block <= count:
                member.write(block)
                written += per_block
            member.write(piece * (count - written) + tail + _END)
    return path


def docx_huge_text(path: Path, size: int) -> Path:
    """One paragraph of `size` bytes of text: the XML inflates to `size`."""
    return docx(path, b"a", size, b"<w:p><w:r><w:t>", b"</w:t></w:r></w:p>")


def docx_tiny_paragraphs(path: Path, size: int) -> Path:
    """`size` bytes of empty paragraphs (`<w:p/>`): millions of elements."""
    return docx(path, b"<w:p/>", size // 6)


def docx_paragraphs(path: Path, count: int) -> Path:
    """`count` ordinary short paragraphs: a long but normal document."""
    return docx(path, "<w:p><w:r><w:t>郑州市中职学校</w:t></w:r></w:p>".encode(), count)


def pdf_with_content(path: Path, size: int) -> Path:
    """A one-page PDF whose content stream (path operators) inflates to about `size` bytes."""
    squeeze = zlib.compressobj(9)
    block = b"0 0 m\n" * (2**20 // 6)
    parts, done = [], 0
    while done < size:
        parts.append(squeeze.compress(block[: size - done]))
        done += min(len(block), size - done)
    data = b"".join([*parts, squeeze.flush()])
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(data) + data + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % at for at in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    path.write_bytes(bytes(out))
    return path
