from wtforms import PasswordField
from wtforms.validators import DataRequired, Length

from ..forms import Form
from ..i18n import lazy_gettext as _l
from ..passwords import MAX_LENGTH


class ExportForm(Form):
    """Starts the download: a POST with only the CSRF token, so no token sits in a URL."""


class DeleteAccountForm(Form):
    password = PasswordField(
        _l("Your password"),
        validators=[DataRequired(), Length(max=MAX_LENGTH)],
        description=_l("Enter it to confirm that you want to delete your account."),
        render_kw={"autocomplete": "current-password"},
    )
