from wtforms import BooleanField, EmailField, PasswordField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, Length

from ..forms import Form, language_field, timezone_field
from ..i18n import lazy_gettext as _l
from ..passwords import MAX_LENGTH, MIN_LENGTH

PASSWORD_HELP = _l(
    "At least %(n)d characters. A long phrase you can remember is best.", n=MIN_LENGTH
)


def strip(value: str | None) -> str | None:
    return value.strip() if isinstance(value, str) else value


def email_field():
    return EmailField(
        _l("Email"),
        validators=[DataRequired(), Email(check_deliverability=False), Length(max=254)],
        filters=[strip],
        render_kw={"autocomplete": "email"},
    )


def new_password_field(label=None):
    return PasswordField(
        label or _l("Password"),
        # Length and common-password rules live in the service (check_password_policy).
        validators=[DataRequired()],
        description=PASSWORD_HELP,
        render_kw={"autocomplete": "new-password"},
    )


class RegisterForm(Form):
    email = email_field()
    display_name = StringField(
        _l("Display name"),
        validators=[DataRequired(), Length(max=80)],
        description=_l("How other members of your cohorts see you."),
        render_kw={"autocomplete": "name"},
    )
    password = new_password_field()
    locale = language_field()
    timezone = timezone_field(detect_from_browser=True)


class LoginForm(Form):
    email = email_field()
    password = PasswordField(
        _l("Password"),
        validators=[DataRequired(), Length(max=MAX_LENGTH)],
        render_kw={"autocomplete": "current-password"},
    )
    remember = BooleanField(_l("Keep me logged in on this device"))


class ForgotPasswordForm(Form):
    email = email_field()


class ResetPasswordForm(Form):
    password = new_password_field(_l("New password"))
    confirm = PasswordField(
        _l("Repeat the new password"),
        validators=[DataRequired(), EqualTo("password", message=_l("The passwords differ."))],
        render_kw={"autocomplete": "new-password"},
    )
