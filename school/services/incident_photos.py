"""Photos of incidents: checked by their content (not their name or declared type), re-encoded as a JPEG of at
most 2 megapixels with no metadata (EXIF, GPS location, comments are not copied), stored outside the web root
under a random name, and served only through a view that checks who asks."""

import hashlib
import io
import secrets
import warnings
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageOps, UnidentifiedImageError

MAX_UPLOAD = 10 * 1024 * 1024
MAX_PIXELS = 2_000_000
MAX_SOURCE_PIXELS = 50_000_000  # a larger «photo» is a decompression bomb, not a phone camera
FORMATS = {"JPEG", "PNG", "WEBP", "MPO"}  # MPO: some phones' JPEG with a second frame
QUALITY = 85


class PhotoError(ValueError):
    """The upload is not a photo we keep; the message is for the sender."""


@dataclass
class StoredPhoto:
    file_name: str
    sha256: str
    original_sha256: str
    width: int
    height: int
    size: int


def _open(data: bytes) -> Image.Image:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
            if image.format not in FORMATS:
                raise PhotoError("Это не фотография: подходят JPEG, PNG и WEBP.")
            if image.width * image.height > MAX_SOURCE_PIXELS:
                raise PhotoError("Снимок слишком большой по числу точек.")
            image.load()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError,
            Image.DecompressionBombWarning) as error:
        if isinstance(error, PhotoError):
            raise
        raise PhotoError("Файл не читается как фотография.") from error
    return image


def reencode(data: bytes) -> tuple[bytes, int, int]:
    """(JPEG bytes, width, height): upright as the phone showed it, at most 2 MP, without metadata."""
    if len(data) > MAX_UPLOAD:
        raise PhotoError("Фото больше 10 МБ.")
    image = _open(data)
    image = ImageOps.exif_transpose(image)  # keep the orientation, then drop the EXIF itself
    image = image.convert("RGB")
    if image.width * image.height > MAX_PIXELS:
        scale = (MAX_PIXELS / (image.width * image.height)) ** 0.5
        image = image.resize((max(1, int(image.width * scale)), max(1, int(image.height * scale))),
                             Image.Resampling.LANCZOS)
    clean = Image.new("RGB", image.size)  # a fresh image carries no info dict from the source
    clean.paste(image)
    out = io.BytesIO()
    clean.save(out, "JPEG", quality=QUALITY, optimize=True)
    return out.getvalue(), clean.width, clean.height


def store(directory: str, data: bytes) -> StoredPhoto:
    jpeg, width, height = reencode(data)
    folder = Path(directory)
    folder.mkdir(parents=True, exist_ok=True)
    name = f"{secrets.token_hex(16)}.jpg"
    (folder / name).write_bytes(jpeg)
    return StoredPhoto(name, hashlib.sha256(jpeg).hexdigest(), hashlib.sha256(data).hexdigest(),
                       width, height, len(jpeg))


def path_of(directory: str, file_name: str) -> Path:
    return Path(directory) / Path(file_name).name


def discard(directory: str, file_name: str) -> None:
    """Remove a file whose incident was not saved (the transaction failed)."""
    path_of(directory, file_name).unlink(missing_ok=True)
