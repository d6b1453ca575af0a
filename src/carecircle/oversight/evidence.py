"""Photo evidence of inspections and rectifications, kept like other uploads: owner-only files
under the data folder, named at random, served only through a page that checks who asks.

A photo must be an image Pillow can read (JPEG, PNG or WebP, at most 10 MB); it is stored
re-encoded as JPEG, which drops its metadata (a phone photo's EXIF carries where it was taken).
"""

import io
import os
import uuid
from pathlib import Path

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

from carecircle.core.errors import InvalidInput

MAX_BYTES = 10 * 1024 * 1024
MAX_SIDE = 2400
FORMATS = {"JPEG", "PNG", "WEBP", "MPO"}


def folder() -> Path:
    path = Path(settings.MEDIA_ROOT) / "oversight"
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    return path


def store(upload: "UploadedFile[bytes] | None", *, field: str) -> str:
    """Check and store a photo; its file name (what a row keeps). InvalidInput names `field`."""
    if upload is None:
        raise InvalidInput(_("请上传照片"), field=field)
    if upload.size is not None and upload.size > MAX_BYTES:
        raise InvalidInput(_("照片不能超过 10 MB"), field=field)
    data = upload.read(MAX_BYTES + 1)
    try:
        with Image.open(io.BytesIO(data)) as image:
            if image.format not in FORMATS:
                raise InvalidInput(_("照片须为 JPEG、PNG 或 WebP 图片"), field=field)
            image.thumbnail((MAX_SIDE, MAX_SIDE))
            out = io.BytesIO()
            image.convert("RGB").save(out, "JPEG", quality=85)
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError):
        raise InvalidInput(_("无法识别的图片文件，请重新拍照上传"), field=field) from None
    name = f"{uuid.uuid4().hex}.jpg"
    fd = os.open(folder() / name, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(out.getvalue())
    return name


def read(name: str) -> bytes:
    if not name or "/" in name or "\\" in name or name.startswith("."):
        raise FileNotFoundError(name)
    return (folder() / name).read_bytes()
