"""Checking uploaded images with Pillow, and thumbnails made once and then served from storage.

Images are hostile input. `check_image` reads only the header first and refuses anything but PNG,
JPEG and WebP (SVG, which can carry scripts, never opens in Pillow), any picture with more pixels than
MAX_PIXELS (a 50,000 x 50,000 "pixel bomb" is a few KB of PNG but 10 GB decoded) and anything below
ContentDB's minimum screenshot size, all before a single pixel is decoded. Only then is the image
decoded in full, which refuses truncated and corrupt files.

Limits (why): MAX_PIXELS = 4096 x 4096 (16.8 MP; a 4K screenshot is 8.3 MP; decoding the largest
allowed image takes about 67 MB of memory); minimum 920 x 517 (ContentDB's rule, so screenshots
look right on its pages); file size at most MAX_SCREENSHOT_SIZE (the screenshot routes' request limit).

Thumbnails follow ContentDB's levels (docs/protocols/contentdb.md section 5): the picture is scaled to
cover the box, then centre-cropped. Each (level, format) is rendered on its first request and
stored; later requests read the stored bytes.
"""

import io
import warnings
from dataclasses import dataclass

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from PIL import Image, ImageOps, UnidentifiedImageError

from media_tools.errors import InvalidImage

MAX_PIXELS = 4096 * 4096
MIN_WIDTH, MIN_HEIGHT = 920, 517
LEVELS = {1: (100, 67), 2: (270, 180), 3: (350, 233), 4: (1100, 520)}
FORMATS = {"PNG": "png", "JPEG": "jpg", "WEBP": "webp"}
CONTENT_TYPES = {"png": "image/png", "jpg": "image/jpeg", "webp": "image/webp"}
EXTENSIONS = {"png": "png", "jpg": "jpg", "jpeg": "jpg", "webp": "webp"}
NOT_AN_IMAGE = "Uploaded image isn't actually an image"


@dataclass(frozen=True)
class CheckedImage:
    extension: str  # png, jpg or webp: the real format, whatever the upload's name said
    width: int
    height: int


def check_image(content: bytes) -> CheckedImage:
    if len(content) > settings.MAX_SCREENSHOT_SIZE:
        raise InvalidImage(f"The image is larger than {settings.MAX_SCREENSHOT_SIZE} bytes")
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = Image.open(io.BytesIO(content), formats=list(FORMATS))
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
            raise InvalidImage(_too_many_pixels()) from error
        except (UnidentifiedImageError, OSError, ValueError, SyntaxError) as error:
            raise InvalidImage(NOT_AN_IMAGE) from error
    with image:
        width, height = image.size
        if width * height > MAX_PIXELS:
            raise InvalidImage(_too_many_pixels())
        if width < MIN_WIDTH or height < MIN_HEIGHT:
            raise InvalidImage(
                f"Screenshot is too small ({width}x{height}), it should be at least "
                f"{MIN_WIDTH} by {MIN_HEIGHT} pixels"
            )
        try:
            image.load()  # decodes everything: truncated or corrupt data fails here
        except (OSError, ValueError, SyntaxError, Image.DecompressionBombError) as error:
            raise InvalidImage("The image is damaged or truncated") from error
        # Image.open(formats=FORMATS) opened it, so its format is one of them
        return CheckedImage(extension=FORMATS[image.format or ""], width=width, height=height)


def _too_many_pixels() -> str:
    return f"The image has too many pixels (at most {MAX_PIXELS:,} are accepted)"


def thumbnail_name(name: str, level: int, extension: str) -> str:
    stem = name.rsplit(".", 1)[0]
    return f"thumbnails/{level}/{stem}.{extension}"


def render_thumbnail(content: bytes, level: int, extension: str) -> bytes:
    """Scale to cover the level's box, centre-crop, encode as `extension` (png, jpg or webp)."""
    with Image.open(io.BytesIO(content), formats=list(FORMATS)) as opened:
        upright = ImageOps.exif_transpose(opened)
        fitted = ImageOps.fit(upright, LEVELS[level], method=Image.Resampling.BICUBIC)
    out = io.BytesIO()
    if extension == "jpg":
        fitted.convert("RGB").save(out, "JPEG", quality=90)
    elif extension == "webp":
        fitted.save(out, "WEBP", lossless=True)
    else:
        fitted.save(out, "PNG", optimize=True)
    return out.getvalue()


def stored_thumbnail(*, name: str, level: int, extension: str) -> bytes:
    """The thumbnail of the stored image `name`, rendered and stored on its first request."""
    target = thumbnail_name(name, level, extension)
    if default_storage.exists(target):
        with default_storage.open(target, "rb") as stored:
            return stored.read()
    with default_storage.open(name, "rb") as original:
        data = render_thumbnail(original.read(), level, extension)
    saved = default_storage.save(target, ContentFile(data))
    if saved != target:  # another request stored it first; keep theirs
        default_storage.delete(saved)
    return data


def thumbnail_names(name: str) -> list[str]:
    """Every name a thumbnail of the stored image `name` may have been stored under."""
    return [
        thumbnail_name(name, level, extension) for level in LEVELS for extension in CONTENT_TYPES
    ]
