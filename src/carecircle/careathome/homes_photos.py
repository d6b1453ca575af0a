"""Photos of adaptation cases (assessment, before, after, the signed acceptance sheet), kept like
oversight's evidence (oversight/evidence.py): owner-only files under the data folder, named at
random, re-encoded as JPEG so that a phone photo's metadata (EXIF: where it was taken) is dropped,
and served only through a page that checks who asks."""

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
    path = Path(settings.MEDIA_ROOT) / "careathome"
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    return path


def store(upload: "UploadedFile | None", *, field: str) -> str:
    """Check and store a photo; its file name (what a row keeps). InvalidInput names `field`."""
    if upload is None:
        raise InvalidInput(_("请上传照片"), field=field)
    if upload.size is not None and upload.size > MAX_BYTES:
        raise InvalidInput(_("照片不能超过 10 MB：%(n)s") % {"n": upload.name}, field=field)
    data = upload.read(MAX_BYTES + 1)
    try:
        with Image.open(io.BytesIO(data)) as image:
            if image.format not in FORMATS:
                raise InvalidInput(
                    _("照片须为 JPEG、PNG 或 WebP 图片：%(n)s") % {"n": upload.name}, field=field
                )
            image.thumbnail((MAX_SIDE, MAX_SIDE))
            out = io.BytesIO()
            image.convert("RGB").save(out, "JPEG", quality=85)
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError):
        raise InvalidInput(
            _("无法识别的图片文件：%(n)s，请重新拍照上传") % {"n": upload.name}, field=field
        ) from None
    name = f"{uuid.uuid4().hex}.jpg"
    fd = os.open(folder() / name, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(out.getvalue())
    return name


def read(name: str) -> bytes:
    if not name or "/" in name or "\\" in name or name.startswith("."):
        raise FileNotFoundError(name)
    return (folder() / name).read_bytes()
