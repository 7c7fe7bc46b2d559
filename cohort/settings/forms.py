from wtforms import PasswordField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length

from ..auth.forms import email_field, new_password_field
from ..forms import Form, language_field, timezone_field
from ..i18n import lazy_gettext as _l
from ..passwords import MAX_LENGTH

BIO_MAX_LENGTH = 1000


class ProfileForm(Form):
    display_name = StringField(_l("Display name"), validators=[DataRequired(), Length(max=80)])
    locale = language_field()
    timezone = timezone_field()
    bio = TextAreaField(
        _l("Short bio"),
        validators=[Length(max=BIO_MAX_LENGTH)],
        description=_l("A few lines about your work and what you are building. Markdown works."),
        render_kw={"rows": 5},
    )


class PasswordForm(Form):
    current_password = PasswordField(
        _l("Current password"),
        validators=[DataRequired(), Length(max=MAX_LENGTH)],
        render_kw={"autocomplete": "current-password"},
    )
    new_password = new_password_field(_l("New password"))


class EmailForm(Form):
    email = email_field()
