"""Customers' photos: images only (Pillow decodes them), size and count limited, stored outside the web root
under KAMRI_AFTERSALES_DIR with an unguessable token as name; read back only through the views that check who
asks (the order's access key, or staff)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core import signing
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

from kamri.aftersales.models import RequestPhoto

FORMATS = {"JPEG": ("image/jpeg", "jpg"), "PNG": ("image/png", "png"), "WEBP": ("image/webp", "webp")}
EVIDENCE_SALT = "kamri.aftersales.evidence"
EVIDENCE_MAX_AGE = 120 * 86400  # the supplier's agents read the evidence while the dispute lasts
MAX_PIXELS = 40_000_000  # a decompression bomb is refused before it is decoded


class PhotoRefused(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class CheckedPhoto:
    upload: UploadedFile
    content_type: str
    extension: str
    width: int
    height: int


def max_bytes() -> int:
    return settings.KAMRI_AFTERSALES_MAX_PHOTO_MB * 1024 * 1024


def check(uploads: list[UploadedFile]) -> list[CheckedPhoto]:
    """Every upload decoded as a JPEG, PNG or WebP image within the limits, or a French sentence why not."""
    limit = settings.KAMRI_AFTERSALES_MAX_PHOTOS
    if len(uploads) > limit:
        raise PhotoRefused(_("%(n)s photos au plus par demande.") % {"n": limit})
    checked = []
    for upload in uploads:
        name = (upload.name or "")[:80]
        if upload.size > max_bytes():
            raise PhotoRefused(
                _("« %(name)s » est trop lourde : %(mb)s Mo au plus par photo.")
                % {"name": name, "mb": settings.KAMRI_AFTERSALES_MAX_PHOTO_MB}
            )
        try:
            upload.seek(0)
            with Image.open(upload) as image:
                kind = image.format
                width, height = image.size
                if width * height > MAX_PIXELS:
                    raise PhotoRefused(_("« %(name)s » est une image trop grande.") % {"name": name})
                image.verify()
        except PhotoRefused:
            raise
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
            kind = None
        if kind not in FORMATS:
            raise PhotoRefused(
                _("« %(name)s » n'est pas une photo : envoyez des images JPEG, PNG ou WebP.") % {"name": name}
            )
        content_type, extension = FORMATS[kind]
        upload.seek(0)
        checked.append(CheckedPhoto(upload, content_type, extension, width, height))
    return checked


def _path(photo: RequestPhoto) -> Path:
    extension = next((ext for ctype, ext in FORMATS.values() if ctype == photo.content_type), "bin")
    return Path(settings.KAMRI_AFTERSALES_DIR) / f"{photo.token}.{extension}"


def store(request, checked: list[CheckedPhoto]) -> list[RequestPhoto]:
    folder = Path(settings.KAMRI_AFTERSALES_DIR)
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    rows = []
    for item in checked:
        photo = RequestPhoto.objects.create(
            request=request,
            content_type=item.content_type,
            size=item.upload.size,
            width=item.width,
            height=item.height,
            original_name=(item.upload.name or "")[:200],
        )
        with open(_path(photo), "wb") as out:
            for chunk in item.upload.chunks():
                out.write(chunk)
        rows.append(photo)
    return rows


def read(photo: RequestPhoto) -> bytes | None:
    path = _path(photo)
    return path.read_bytes() if path.is_file() else None


def evidence_path(photo: RequestPhoto) -> str:
    """A signed, expiring link to the photo for the supplier's agents (the dispute's evidence)."""
    return f"/sav/preuve/{signing.dumps(photo.token, salt=EVIDENCE_SALT)}/"
