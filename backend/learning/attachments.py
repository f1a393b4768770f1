"""Which files a student may add to a self-assessment, decided by their content.

A name can say anything ("cv.pdf" may be a Windows program), so the type comes from the first
bytes of the file (its magic number); the Office formats are ZIP archives told apart by the part
every such document must have. The name's extension must then agree with what the content is,
and the stored name is random (`models.attachment_path`): nothing the student typed reaches the
file system. At most `MAX_ATTACHMENTS` files of at most `MAX_ATTACHMENT_BYTES` each.
"""

import unicodedata
import zipfile
from dataclasses import dataclass
from typing import IO

from django.utils.translation import gettext as _

from backend.core.errors import field_error

MAX_ATTACHMENTS = 5
MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
MAX_NAME_CHARS = 200


@dataclass(frozen=True)
class FileKind:
    label: str
    content_type: str
    extensions: tuple[str, ...]

    @property
    def extension(self) -> str:
        return self.extensions[0]


PDF = FileKind("PDF", "application/pdf", ("pdf",))
PNG = FileKind("PNG", "image/png", ("png",))
JPEG = FileKind("JPEG", "image/jpeg", ("jpg", "jpeg"))
DOCX = FileKind(
    "Word (DOCX)",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ("docx",),
)
PPTX = FileKind(
    "PowerPoint (PPTX)",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ("pptx",),
)
XLSX = FileKind(
    "Excel (XLSX)",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ("xlsx",),
)
ALLOWED_KINDS = (PDF, PNG, JPEG, DOCX, PPTX, XLSX)
# For the file input's `accept` and the help text: a hint for the browser, not a check.
ACCEPT = ",".join(f".{ext}" for kind in ALLOWED_KINDS for ext in kind.extensions)

# The part that makes an Office Open XML package a document, a presentation or a workbook.
_OFFICE_MAIN_PARTS = {
    "word/document.xml": DOCX,
    "ppt/presentation.xml": PPTX,
    "xl/workbook.xml": XLSX,
}


def _office_kind(stream: IO[bytes]) -> FileKind | None:
    """Reads only the ZIP's directory (names), never decompresses a member."""
    try:
        with zipfile.ZipFile(stream) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return None
    if "[Content_Types].xml" not in names:
        return None
    for part, kind in _OFFICE_MAIN_PARTS.items():
        if part in names:
            return kind
    return None


def sniff_kind(stream: IO[bytes]) -> FileKind | None:
    """The allowed kind the content is, or None. Leaves the stream at its start."""
    stream.seek(0)
    head = stream.read(8)
    stream.seek(0)
    kind: FileKind | None = None
    if head.startswith(b"%PDF-"):
        kind = PDF
    elif head.startswith(b"\x89PNG\r\n\x1a\n"):
        kind = PNG
    elif head.startswith(b"\xff\xd8\xff"):
        kind = JPEG
    elif head.startswith(b"PK\x03\x04"):
        kind = _office_kind(stream)
        stream.seek(0)
    return kind


def display_name(filename: str) -> str:
    """The name to show: the last part of whatever path the browser sent, without control
    characters, at most MAX_NAME_CHARS. Shown and used in Content-Disposition, never as a path."""
    base = filename.replace("\\", "/").rsplit("/", 1)[-1]
    cleaned = "".join(ch for ch in base if unicodedata.category(ch)[0] != "C").strip(" .")
    if len(cleaned) > MAX_NAME_CHARS:
        stem, dot, ext = cleaned.rpartition(".")
        cleaned = (stem[: MAX_NAME_CHARS - len(ext) - 1] + dot + ext) if dot else cleaned
        cleaned = cleaned[:MAX_NAME_CHARS]
    return cleaned


def _extension(name: str) -> str:
    return name.rsplit(".", 1)[-1].lower() if "." in name else ""


def check_upload(*, filename: str, size: int | None, stream: IO[bytes]) -> tuple[FileKind, str]:
    """(kind, display name) of an acceptable file; raises an ApplicationError on the field
    `file` that says what is wrong. Size is checked before a byte is read."""
    name = display_name(filename)
    if not name:
        raise field_error(
            "file", _("Het bestand heeft geen naam. Geef het een naam en probeer het opnieuw.")
        )
    if size is None or size > MAX_ATTACHMENT_BYTES:
        raise field_error(
            "file",
            _("“%(name)s” is groter dan %(mb)s MB. Maak het kleiner of deel het op.")
            % {"name": name, "mb": MAX_ATTACHMENT_BYTES // (1024 * 1024)},
        )
    if size == 0:
        raise field_error("file", _("“%(name)s” is leeg.") % {"name": name})
    kind = sniff_kind(stream)
    allowed = ", ".join(k.label for k in ALLOWED_KINDS)
    if kind is None:
        raise field_error(
            "file",
            _("“%(name)s” is geen bestand dat je mag toevoegen. Toegestaan: %(allowed)s.")
            % {"name": name, "allowed": allowed},
        )
    if _extension(name) not in kind.extensions:
        raise field_error(
            "file",
            _(
                "De naam “%(name)s” past niet bij de inhoud: het is een %(kind)s-bestand, "
                "dus de naam moet eindigen op .%(ext)s."
            )
            % {"name": name, "kind": kind.label, "ext": kind.extension},
        )
    return kind, name
