"""What a handed-in document may be: a PDF, JPEG or PNG, proven by a full parse.

First bytes prove nothing (HTML after a PNG signature, an SVG behind ``%PDF-``), so:
- a PDF is opened with pypdf and must parse to the end; it is refused when encrypted, or
  when it carries JavaScript, launch or other actions, or embedded files; markup (HTML,
  SVG, script) anywhere in the file is refused too, which stops PDF/HTML polyglots;
- an image is decoded by Pillow under a pixel limit and re-encoded, which drops its
  metadata (EXIF, GPS) and anything appended after the image data;
- a name may not carry a path, quotes or control characters; the file is stored under a
  random name (``upload_to``) and the name is kept as data only.
Anything else (a ZIP bomb renamed ``.pdf``, an oversize file) is refused with a message in
the person's language, and nothing is stored.
"""
from __future__ import annotations

import hashlib
import io
import re
import uuid
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile, File
from django.utils import timezone
from django.utils.translation import gettext as _

PDF, JPEG, PNG = "application/pdf", "image/jpeg", "image/png"
EXTENSIONS = {".pdf": PDF, ".jpg": JPEG, ".jpeg": JPEG, ".png": PNG}
MAX_PIXELS = 40_000_000  # 40 megapixels: a 600 dpi A4 scan is 35 MP
MAX_DECODED_BYTES = 120 * 2**20  # what decoding may take in memory: 40 MP of 8-bit RGB
MAX_PDF_PAGES = 500
NAME_MAX = 200
_BAD_NAME = re.compile(r'[\x00-\x1f\x7f"/\\<>|:*?]')
# Markup a browser would run if the file were ever shown inline (a PDF/HTML polyglot).
_MARKUP = re.compile(rb"<\s*(?:html|script|svg|body|iframe|!doctype)\b", re.IGNORECASE)
# PDF names that run something or carry other files.
_ACTIVE = (b"/JavaScript", b"/JS", b"/Launch", b"/EmbeddedFile", b"/EmbeddedFiles", b"/RichMedia", b"/SubmitForm",
           b"/ImportData", b"/GoToR", b"/GoToE", b"/XFA")


@dataclass(frozen=True)
class CleanDocument:
    file: File
    name: str
    content_type: str
    size: int
    sha256: str


def stored_name(instance, filename: str) -> str:
    """``upload_to`` of attachments: a random name; the person's file name is kept as data."""
    suffix = PurePosixPath(filename).suffix.lower()
    return f"cases/{timezone.now():%Y/%m}/{uuid.uuid4().hex}{suffix if suffix in EXTENSIONS else ''}"


def header_name(name: str) -> str:
    """A file name fit for a Content-Disposition header, whatever an older row holds."""
    cleaned = _BAD_NAME.sub("_", name.replace("\\", "/").rsplit("/", 1)[-1]).strip(" .")
    return cleaned[:NAME_MAX] or "berkas"


def _refuse(message: str, label: str):
    raise ValidationError(message % {"label": label})


def _checked_name(name: str, label: str) -> str:
    if _BAD_NAME.search(name) or name.strip(" .") == "":
        _refuse(_("%(label)s: nama berkas tidak boleh memuat garis miring, tanda kutip atau karakter kendali; "
                  "ganti nama berkasnya lalu unggah lagi."), label)
    return name[-NAME_MAX:]


def _read(raw: Any, label: str) -> bytes:
    size = getattr(raw, "size", None)
    if size is None:
        raw.seek(0, 2)
        size = raw.tell()
    if size > settings.UPLOAD_MAX_BYTES:
        raise ValidationError(_("%(label)s terlalu besar (%(size).1f MB); paling besar %(max).0f MB.")
                              % {"label": label, "size": size / 2**20, "max": settings.UPLOAD_MAX_BYTES / 2**20})
    if size == 0:
        _refuse(_("%(label)s kosong."), label)
    raw.seek(0)
    data = raw.read(settings.UPLOAD_MAX_BYTES + 1)
    if len(data) > settings.UPLOAD_MAX_BYTES:  # a size that lied
        raise ValidationError(_("%(label)s terlalu besar; paling besar %(max).0f MB.")
                              % {"label": label, "max": settings.UPLOAD_MAX_BYTES / 2**20})
    return data


def _check_pdf(data: bytes, label: str) -> bytes:
    from pypdf import PdfReader

    if not data.startswith(b"%PDF-"):
        _refuse(_("%(label)s harus berkas PDF, JPEG atau PNG."), label)
    if b"%%EOF" not in data[-1024:]:
        _refuse(_("%(label)s bukan PDF yang utuh (terpotong atau rusak); simpan ulang berkasnya sebagai PDF."), label)
    if _MARKUP.search(data):
        _refuse(_("%(label)s memuat kode HTML/SVG di dalam PDF; unggah PDF hasil cetak atau pindaian biasa."), label)
    try:
        reader = PdfReader(io.BytesIO(data), strict=True)
        if reader.is_encrypted:
            _refuse(_("%(label)s terkunci kata sandi; unggah PDF tanpa kata sandi."), label)
        pages = len(reader.pages)  # content streams are not decoded: a decompression bomb costs nothing here
        if pages > MAX_PDF_PAGES:
            _refuse(_("%(label)s terlalu banyak halamannya; paling banyak 500 halaman."), label)
        active = any(name in data for name in _ACTIVE) or _has_actions(reader.trailer)
    except ValidationError:
        raise
    except Exception:  # noqa: BLE001 - pypdf raises many kinds of error on a broken or hostile file
        _refuse(_("%(label)s tidak dapat dibaca sebagai PDF; simpan ulang berkasnya sebagai PDF."), label)
    if not pages:
        _refuse(_("%(label)s tidak memiliki halaman."), label)
    if active:
        _refuse(_("%(label)s memuat skrip, tindakan otomatis atau berkas sisipan; unggah PDF tanpa itu (cetak ulang "
                  "ke PDF)."), label)
    return data


ACTION_TYPES = {"/JavaScript", "/Launch", "/SubmitForm", "/ImportData", "/GoToR", "/GoToE", "/RichMediaExecute"}
ACTIVE_KEYS = {"/AA", "/OpenAction", "/JS", "/JavaScript", "/EmbeddedFiles", "/EmbeddedFile", "/XFA", "/RichMedia"}
MAX_OBJECTS = 200_000


def _has_actions(trailer) -> bool:
    """Every object reachable from the trailer, object streams included (names can be hidden
    there, or spelled with #xx escapes, from a byte search): any automatic action, script,
    attached file or active action type anywhere refuses the file."""
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

    seen: set[tuple[int, int]] = set()
    stack = [trailer]
    while stack:
        if len(seen) > MAX_OBJECTS:
            return True  # a structure this large is no scan: refuse rather than walk on
        node = stack.pop()
        if isinstance(node, IndirectObject):
            if (node.idnum, node.generation) in seen:
                continue
            seen.add((node.idnum, node.generation))
            node = node.get_object()
        if isinstance(node, DictionaryObject):
            if ACTIVE_KEYS.intersection(node.keys()) or node.get("/S") in ACTION_TYPES \
                    or node.get("/Subtype") == "/FileAttachment":
                return True
            stack.extend(value for key, value in node.items() if key != "/Parent")
        elif isinstance(node, ArrayObject):
            stack.extend(node)
    return False


def _reencode_image(data: bytes, kind: str, label: str) -> bytes:
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(data)) as probe:
            fmt, (width, height) = probe.format, probe.size
            depth = 2 if probe.mode.startswith("I;16") or probe.mode in ("I", "F") or "16" in str(
                probe.info.get("bits", "")) else 1
            if width * height > MAX_PIXELS or width * height * len(probe.getbands()) * depth > MAX_DECODED_BYTES:
                _refuse(_("%(label)s terlalu besar ukuran gambarnya; paling banyak 40 megapiksel."), label)
            if {"JPEG": JPEG, "PNG": PNG}.get(fmt) != kind:
                _refuse(_("%(label)s isinya tidak sesuai jenis berkasnya."), label)
            probe.load()
            image = probe.copy()  # pixels only: no EXIF, no text chunks, nothing after the image
    except ValidationError:
        raise
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError, SyntaxError):
        _refuse(_("%(label)s tidak dapat dibaca sebagai gambar JPEG atau PNG."), label)
    out = io.BytesIO()
    if kind == JPEG:
        image.convert("RGB").save(out, format="JPEG", quality=90)
    else:
        image.save(out, format="PNG")
    return out.getvalue()


def clean_document(raw: Any, label: str) -> CleanDocument:
    """A PDF, JPEG or PNG within the limits, proven by parsing it; ValidationError otherwise."""
    name = getattr(raw, "name", None)
    if not name or not hasattr(raw, "read"):
        _refuse(_("%(label)s harus berupa berkas unggahan."), label)
    name = _checked_name(str(name), label)
    kind = EXTENSIONS.get(PurePosixPath(name).suffix.lower())
    if kind is None:
        _refuse(_("%(label)s harus berkas PDF, JPEG atau PNG."), label)
    data = _read(raw, label)
    if kind == PDF:
        data = _check_pdf(data, label)
    elif not data.startswith(b"\xff\xd8\xff" if kind == JPEG else b"\x89PNG\r\n\x1a\n"):
        _refuse(_("%(label)s harus berkas PDF, JPEG atau PNG."), label)
    else:
        data = _reencode_image(data, kind, label)
    return CleanDocument(file=ContentFile(data, name=name), name=name, content_type=kind, size=len(data),
                         sha256=hashlib.sha256(data).hexdigest())
