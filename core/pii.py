"""Taiwan national identification numbers: validation with a specific message per error, and masking."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

LETTER_VALUES = {
    "A": 10,
    "B": 11,
    "C": 12,
    "D": 13,
    "E": 14,
    "F": 15,
    "G": 16,
    "H": 17,
    "I": 34,
    "J": 18,
    "K": 19,
    "L": 20,
    "M": 21,
    "N": 22,
    "O": 35,
    "P": 23,
    "Q": 24,
    "R": 25,
    "S": 26,
    "T": 27,
    "U": 28,
    "V": 29,
    "W": 32,
    "X": 30,
    "Y": 31,
    "Z": 33,
}
WEIGHTS = (8, 7, 6, 5, 4, 3, 2, 1)


def checksum_ok(value: str) -> bool:
    code = LETTER_VALUES[value[0]]
    total = code // 10 + (code % 10) * 9
    total += sum(int(d) * w for d, w in zip(value[1:9], WEIGHTS, strict=True))
    total += int(value[9])
    return total % 10 == 0


def check_digit(prefix9: str) -> str:
    """The last digit that makes `prefix9` (letter + 8 digits) a valid ID."""
    for digit in "0123456789":
        if checksum_ok(prefix9 + digit):
            return digit
    raise ValueError(prefix9)


def normalise_national_id(value: str) -> str:
    return (value or "").strip().upper()


def validate_national_id(value: str) -> None:
    """Raise ValidationError with a message that says which rule the value breaks."""
    value = normalise_national_id(value)
    if not value:
        raise ValidationError(_("The national ID is empty."), code="empty")
    if len(value) != 10:
        raise ValidationError(
            _("A national ID has 10 characters; this one has %(n)d."), code="length", params={"n": len(value)}
        )
    if value[0] not in LETTER_VALUES:
        raise ValidationError(_("A national ID starts with an English capital letter (A-Z)."), code="letter")
    if not value[1:].isdigit() or not value[1:].isascii():
        raise ValidationError(_("After the first letter a national ID has 9 digits."), code="digits")
    if value[1] not in "12":
        raise ValidationError(_("The second character of a national ID is 1 or 2."), code="gender_digit")
    if not checksum_ok(value):
        raise ValidationError(
            _("The national ID's check digit is wrong; please check for a typing error."), code="checksum"
        )


def mask_national_id(value: str | None) -> str:
    """A123456789 -> A12****789."""
    if not value:
        return ""
    if len(value) < 7:
        return "*" * len(value)
    return f"{value[:3]}{'*' * (len(value) - 6)}{value[-3:]}"


def mask_name(value: str | None) -> str:
    """王小明 -> 王*明; John Smith -> J*** S****."""
    if not value:
        return ""
    if value.isascii():
        return " ".join(part[:1] + "*" * (len(part) - 1) for part in value.split())
    if len(value) <= 2:
        return value[0] + "*"
    return value[0] + "*" * (len(value) - 2) + value[-1]


FULL_ID_PERMISSION = "core.view_full_national_id"


def can_see_full_id(user) -> bool:
    return bool(user and user.is_authenticated and user.has_perm(FULL_ID_PERMISSION))
