"""Password rules beyond Django's own: a password mixes letters and digits."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


class LettersAndDigitsValidator:
    """Refuse a password that lacks either a letter or a digit (等保二级: 口令复杂度)."""

    def validate(self, password, user=None):
        if not (any(c.isalpha() for c in password) and any(c.isdigit() for c in password)):
            raise ValidationError(_("The password must contain both letters and digits."), code="password_classes")

    def get_help_text(self):
        return _("Your password must contain both letters and digits.")
