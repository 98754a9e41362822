"""Scanned pages read with PP-OCR (rapidocr-onnxruntime: the models ship inside the wheel, nothing is downloaded)."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

from corpus.layout import PagedLines, PageProgress, TextLine, group_rows
from corpus.load import IngestError
from corpus.types import IngestWarning

if TYPE_CHECKING:
    from PIL.Image import Image

NO_TEXT = "no text found (a blank page, or one OCR cannot read)"
_MAX_IMAGE_PIXELS = 100_000_000  # a larger image is refused (decompression bombs)

_engine: Any = None
_engine_lock = threading.Lock()  # one engine, shared; ONNX Runtime already uses every core


def ocr_lines(image: Image) -> list[TextLine]:
    """The text lines of a page image, top to bottom, in the image's pixels."""
    global _engine
    with _engine_lock:
        if _engine is None:
            from rapidocr_onnxruntime import RapidOCR

            _engine = RapidOCR()
        # No per-line angle classifier: on upright scans it turned whole clear lines upside down, losing them.
        result, _ = _engine(image.convert("RGB"), use_cls=False)
    boxes = []
    for box, text, _score in result or []:
        xs, ys = [point[0] for point in box], [point[1] for point in box]
        if text.strip():
            boxes.append(TextLine(text.strip(), min(xs), max(xs), min(ys), max(ys)))
    return group_rows(boxes)


def read_image(path: Path, on_page: PageProgress | None = None) -> PagedLines:
    """OCR an image file; each frame of a multi-page TIFF is a page."""
    from PIL import Image, ImageSequence, UnidentifiedImageError

    try:
        picture = Image.open(path)
        if picture.width * picture.height > _MAX_IMAGE_PIXELS:
            raise IngestError(path, f"image of {picture.width}×{picture.height} pixels is too large to OCR")
        frames = [frame.copy() for frame in ImageSequence.Iterator(picture)]
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError) as exc:
        raise IngestError(path, f"corrupt or unreadable image ({type(exc).__name__}: {exc})") from exc
    pages: list[tuple[TextLine, ...]] = []
    warnings: list[IngestWarning] = []
    for number, frame in enumerate(frames, start=1):
        try:
            lines = ocr_lines(frame)
        except Exception as exc:  # a frame OCR cannot take is named; the others are kept
            lines = []
            warnings.append(IngestWarning(str(path), number, f"OCR failed ({type(exc).__name__}: {exc})"))
        else:
            if not lines and len(frames) > 1:
                warnings.append(IngestWarning(str(path), number, NO_TEXT))
        pages.append(tuple(lines))
        if on_page:
            on_page(number, len(frames))
    return PagedLines(tuple(pages), tuple(warnings))
