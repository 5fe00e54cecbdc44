"""OCR: the text of scanned pages and images, line by line with boxes, for documents without a text layer.

`pages` turns an image file or a PDF's pages without text into bounded page images, `engine` reads their lines
(RapidOCR's PP-OCRv4 Chinese models on onnxruntime, chosen by `bench/ocr.py`), `layout` puts the lines in
reading order and drops running headers and page numbers, and `cache` keeps what was read so a file is never
OCR'd twice. Nothing here is imported on the text path: `qa.loading` imports it only for a scan.
"""
