"""Validators for identifiers: USCC (GB 32100-2015), resident ID (GB 11643), region codes, phones;
password complexity; uploaded photos and spreadsheets."""
import datetime
import functools
import re
from struct import error as struct_error

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from stdnum import exceptions as stdnum_exceptions
from stdnum.cn import ric, uscc


def normalize_uscc(value):
    return uscc.compact(value or "")


def validate_uscc(value):
    _validate_uscc(value or "")


@functools.lru_cache(maxsize=4096)
def _validate_uscc(value):
    # Cached: an import names the same few employers on thousands of rows (a failure is not cached).
    try:
        uscc.validate(value)
    except stdnum_exceptions.InvalidLength:
        raise ValidationError(_("A unified social credit code has 18 characters."), code="uscc_length")
    except stdnum_exceptions.InvalidChecksum:
        raise ValidationError(_("The check character of this unified social credit code is wrong."), code="uscc_checksum")
    except stdnum_exceptions.ValidationError:
        raise ValidationError(_("This is not a valid unified social credit code."), code="uscc_invalid")


def _compact(value):
    return value if len(value) == 18 and value.isascii() and value.isalnum() and value == value.upper() else ric.compact(value)


def normalize_id_number(value):
    """Without separators or spaces, full-width characters made ASCII, upper case (stdnum's compact;
    an ID already in that form is returned as is, without the cost)."""
    return _compact(value or "")


def validate_id_number(value):
    """GB 11643: 18 characters, check digit (ISO 7064 MOD 11-2), a real birth date, and a county code
    that existed in the birth year (python-stdnum's table). The same checks as stdnum's
    ric.validate, with the county lookup cached per (county, year): imports validate tens of
    thousands of IDs, and the lookup was 70 % of the cost."""
    number = _compact(value or "")
    if len(number) != 18:
        raise ValidationError(_("A resident ID number has 18 characters."), code="id_length")
    if not number[:-1].isdigit() or not number[:-1].isascii():
        raise ValidationError(_("This is not a valid resident ID number."), code="id_invalid")
    if number[-1] != ric.calc_check_digit(number):
        raise ValidationError(_("The check digit of this resident ID number is wrong."), code="id_checksum")
    try:
        birth = datetime.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        raise ValidationError(_("The birth date in this resident ID number is not a real date."), code="id_birth_date")
    if not _county_known(number[:6], birth.year):
        raise ValidationError(_("This is not a valid resident ID number."), code="id_invalid")


@functools.lru_cache(maxsize=8192)
def _county_known(county, year):
    try:
        ric.get_birth_place(f"{county}{year:04d}0101000")
    except stdnum_exceptions.ValidationError:
        return False
    return True


PHONE_RE = re.compile(r"^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8})$")


def validate_phone(value):
    if not PHONE_RE.match(value or ""):
        raise ValidationError(_("Enter an 11-digit mobile number or a landline such as 0938-8212345."), code="phone")


REGION_CODE_RE = re.compile(r"^(\d{2}|\d{4}|\d{6}|\d{9})$")


def validate_region_code_format(value):
    if not REGION_CODE_RE.match(value or ""):
        raise ValidationError(_("A region code has 2, 4, 6 or 9 digits."), code="region_code")


# --- Passwords -------------------------------------------------------------------------------------

class CharacterClassesValidator:
    """AUTH_PASSWORD_VALIDATORS: at least `min_classes` of lower case, upper case, digits and other
    characters (GB/T 22239-2019's "complexity"; see settings.AUTH_PASSWORD_VALIDATORS)."""

    def __init__(self, min_classes=3):
        self.min_classes = min_classes

    @staticmethod
    def classes(password):
        return sum([
            any(c.islower() for c in password), any(c.isupper() for c in password),
            any(c.isdigit() for c in password), any(not c.isalnum() for c in password),
        ])

    def validate(self, password, user=None):
        if self.classes(password) < self.min_classes:
            raise ValidationError(self.get_help_text(), code="password_too_simple")

    def get_help_text(self):
        return _("Your password must mix at least %(n)s of: lower-case letters, upper-case letters, digits, symbols.") % {
            "n": self.min_classes}


# --- Uploads -------------------------------------------------------------------------------------
# Limits: settings.PHOTO_MAX_BYTES, PHOTO_MAX_PIXELS, SPREADSHEET_MAX_BYTES, SPREADSHEET_MAX_UNZIPPED_BYTES.

PHOTO_FORMATS = {"JPEG", "PNG", "WEBP"}


def _megabytes(size):
    return f"{size / (1024 * 1024):g}"


def validate_photo_upload(upload):
    """A JPEG, PNG or WebP photo: the size, then the type from the content (never the name or the
    Content-Type the browser sent), then Pillow decodes it: a text file renamed .jpg, a truncated or
    corrupt image and a decompression bomb are all refused before anything is stored."""
    from django.conf import settings
    from PIL import Image, UnidentifiedImageError

    if getattr(upload, "_committed", False):
        return  # already stored and checked when it was uploaded
    max_bytes = settings.PHOTO_MAX_BYTES
    if upload.size is not None and upload.size > max_bytes:
        raise ValidationError(_("The photo is larger than %(mb)s MB.") % {"mb": _megabytes(max_bytes)}, code="photo_size")
    unreadable = ValidationError(_("Upload a JPEG, PNG or WebP photo."), code="photo_type")
    try:
        upload.seek(0)
        head = upload.read(12)
        if not (head.startswith(b"\xff\xd8\xff") or head.startswith(b"\x89PNG\r\n\x1a\n") or head[8:12] == b"WEBP"):
            raise unreadable
        upload.seek(0)
        with Image.open(upload) as image:
            if image.format not in PHOTO_FORMATS:
                raise unreadable
            if image.width * image.height > settings.PHOTO_MAX_PIXELS:
                raise ValidationError(_("The photo has too many pixels."), code="photo_pixels")
            image.verify()  # structure and checksums (PNG chunks' CRCs)
        upload.seek(0)
        with Image.open(upload) as image:
            if image.format == "JPEG":
                image.draft("RGB", (max(1, image.width // 8), max(1, image.height // 8)))  # decode all, at 1/8 scale
            image.load()  # the whole stream: a truncated or corrupt image fails here
    except ValidationError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ValidationError(_("The photo has too many pixels."), code="photo_pixels")
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError, IndexError, TypeError, struct_error):
        raise unreadable
    finally:
        upload.seek(0)


def validate_xlsx_upload(upload):
    """An Excel workbook (.xlsx): the name, the size, then the content: a zip archive holding
    [Content_Types].xml and xl/workbook.xml, whose members unzip to at most
    SPREADSHEET_MAX_UNZIPPED_BYTES (a zip bomb is refused from the sizes its directory declares,
    before any member is inflated)."""
    import zipfile
    from pathlib import Path

    from django.conf import settings

    wrong_type = ValidationError(_("Upload an Excel workbook (.xlsx)."), code="file_type")
    if Path(getattr(upload, "name", "") or "").suffix.lower() != ".xlsx":
        raise wrong_type
    max_bytes = settings.SPREADSHEET_MAX_BYTES
    if upload.size is not None and upload.size > max_bytes:
        raise ValidationError(_("The file is larger than %(mb)s MB; split it.") % {"mb": _megabytes(max_bytes)},
                              code="file_size")
    try:
        upload.seek(0)
        if upload.read(4) != b"PK\x03\x04":
            raise wrong_type
        upload.seek(0)
        with zipfile.ZipFile(upload) as archive:
            members = archive.infolist()
            names = {member.filename for member in members}
            if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
                raise wrong_type
            unzipped = sum(member.file_size for member in members)
            if unzipped > settings.SPREADSHEET_MAX_UNZIPPED_BYTES or len(members) > 10_000:
                raise ValidationError(_("The workbook is too large once unpacked; split it."), code="file_unzipped_size")
            content_types = archive.getinfo("[Content_Types].xml")
            if content_types.file_size > 1_000_000 or b"spreadsheetml" not in archive.read(content_types):
                raise wrong_type
    except ValidationError:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, KeyError, NotImplementedError, EOFError):
        raise wrong_type
    finally:
        upload.seek(0)
