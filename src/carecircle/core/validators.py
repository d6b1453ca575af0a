from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


class ComplexityValidator:
    """等保 2.0: passwords mix at least three of upper case, lower case, digits and symbols."""

    def validate(self, password: str, user: AbstractBaseUser | None = None) -> None:  # noqa: ARG002 — Django's password-validator interface
        classes = [
            any(c.islower() for c in password),
            any(c.isupper() for c in password),
            any(c.isdigit() for c in password),
            any(not c.isalnum() for c in password),
        ]
        if sum(classes) < 3:
            raise ValidationError(
                _("密码须包含大写字母、小写字母、数字、符号中的至少三类"), code="password_too_simple"
            )

    def get_help_text(self) -> str:
        return _("密码须包含大写字母、小写字母、数字、符号中的至少三类")


class StrengthValidator:
    """A password's strength as zxcvbn estimates it (dictionaries, keyboard walks, repeats, dates,
    l33t substitutions, the user's own name): at least `min_score` of 0-4. Character classes alone
    accept "aaaaaaaaaaA1"; this does not."""

    MAX_LENGTH = 72  # zxcvbn's own limit; longer passwords are judged by their first 72 characters

    def __init__(self, min_score: int = 3) -> None:
        self.min_score = min_score

    def validate(self, password: str, user: AbstractBaseUser | None = None) -> None:
        from zxcvbn import zxcvbn  # noqa: PLC0415 — start-up cost: a heavy library, loaded when this runs

        inputs = (
            [
                str(getattr(user, f, "") or "")
                for f in ("username", "display_name", "first_name", "last_name", "email")
            ]
            if user
            else []
        )
        result = zxcvbn(password[: self.MAX_LENGTH], user_inputs=[i for i in inputs if i])
        if result["score"] < self.min_score:
            raise ValidationError(
                _(
                    "密码太容易被猜到（强度%(score)d级，至少需要%(min)d级）：请避免常见单词、键盘顺序、重复字符、"
                    "年份和自己的名字，可用几个不相关的词加数字和符号"
                )
                % {"score": result["score"], "min": self.min_score},
                code="password_too_guessable",
            )

    def get_help_text(self) -> str:
        return _("密码不能容易被猜到：请避免常见单词、键盘顺序、重复字符、年份和自己的名字")
