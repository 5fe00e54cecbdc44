"""The library's refusals of a file, said in Chinese for the page: one row per kind of refusal.

The library words its errors in English for the command line and scripts; the page shows the Chinese line of
the first row whose pattern the English message matches (the file name comes from the page itself).
"""

from __future__ import annotations

import re

REASONS: tuple[tuple[str, str], ...] = (
    (
        r"far beyond a normal|holds \d+ parts, over",
        "解压后远超正常文件（可能是“压缩炸弹”）：请拆分文档，或用 Word、WPS 重新保存后再上传",
    ),
    (r"is password-protected", "设有密码：请另存一份不带密码的副本（或打印为 PDF）再上传"),
    (r"is not a PDF", "不是 PDF 文件：请上传原始的 PDF"),
    (r"damaged or truncated PDF", "PDF 已损坏或不完整：请重新导出或下载"),
    (r"no text layer|without a Unicode map", "没有可读取的文字层（可能是扫描件）：请先做文字识别（OCR）再上传"),
    (
        r"old-format Word file|old Word \.doc file",
        "是旧版 Word 文件或设有密码：请用 Word 或 WPS 去掉密码并另存为 .docx",
    ),
    (r"is not a readable \.docx file", "不是可读取的 .docx 文件：请用 Word 或 WPS 打开后重新保存"),
    (r"MB, over the .* limit", "超过大小上限：请拆分后再上传"),
    (r"is empty", "是空文件：请上传有文字的文件"),
    (r"binary|NUL (?:bytes|characters)|control or unassigned", "是二进制文件，不是文本：请上传 .txt 或 .md 文本"),
    (r"neither UTF-8|double-encoded|UTF-16 mark", "编码无法识别：请另存为 UTF-8 编码后再上传"),
)


def reason(message: str) -> str:
    """The Chinese line for the library's English refusal `message`; the message itself when no row fits."""
    for pattern, chinese in REASONS:
        if re.search(pattern, message):
            return chinese
    return message
