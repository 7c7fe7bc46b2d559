"""Hostile input never reaches a 500: every POST route from the URL map gets a table of bad
values in every field its form has, as a visitor, a member and an organizer; ids beyond the
database's integer and control characters in URLs are 404s. Run it on PostgreSQL too
(COHORT_TEST_DATABASE_URL): it refuses what SQLite stores."""

from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from flask_wtf import FlaskForm
from sqlalchemy import select
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import HTTPException
from werkzeug.routing import IntegerConverter
from wtforms import PasswordField, StringField, TextAreaField
from wtforms.validators import Length

from cohort import create_app
from cohort.auth.forms import ForgotPasswordForm, LoginForm, RegisterForm
from cohort.auth.models import User
from cohort.cohorts.forms import CohortForm, EmailInvitationForm
from cohort.cohorts.models import Cohort, Invitation, MembershipEvent
from cohort.database import ValueTooLong
from cohort.delivery.models import ChatWebhook
from cohort.extensions import db
from cohort.feedback.forms import ToggleForm
from cohort.forms import Form
from cohort.inventories.areas import MAX_AREAS
from cohort.inventories.forms import InventoryFormBase
from cohort.live.forms import CheckInForm, CheckOutForm, ControlForm, LateForm, OrderForm
from cohort.live.models import CheckOut
from cohort.meetings.forms import MeetingForm
from cohort.meetings.models import Meeting
from cohort.mentoring.forms import AgreementForm, OneToOneForm, PhaseEditForm, PhaseForm
from cohort.mentoring.forms import ProfileForm as MentorProfileForm
from cohort.mentoring.models import MentorProfile, NextStep, Pairing, PlanPhase
from cohort.notifications.forms import ChatWebhookForm
from cohort.quarters.forms import PracticeForm, QuarterForm, QuarterFormBase
from cohort.settings.forms import EmailForm, ProfileForm
from cohort.signals.forms import NoteForm, SignalActionForm
from cohort.signals.models import PersonalNote, SignalDismissal
from cohort.year.forms import SeasonForm, YearRangeForm
from cohort.year.models import Season

from . import factories
from .conftest import TEST_CONFIG
from .test_permissions import World, login_as

# An address of 247 characters: valid, longer than a 200-character column.
LONG_EMAIL = f"{'a' * 60}@{'b' * 60}.{'c' * 60}.{'d' * 60}.org"
assert len(LONG_EMAIL) == 247

# Sent one field at a time into an otherwise valid form, so that no neighbour's error stops
# them before they could reach the database.
BAD_IN_A_VALID_FORM = [
    "before\x00after",
    "Ann\r\nBcc: everyone@example.org",
    "2147483648",
    "9" * 400,
    "twelve",
    "0001-01-01",
    "0001-01-01T00:00",
    "9999-12-31T23:59",
    "x" * 1000,
    LONG_EMAIL,
]
# Also sent in every field at once.
BAD_VALUES = [
    *BAD_IN_A_VALID_FORM,
    "\x00",
    "\x1b[31m\x7f\x85",
    "-2147483649",
    "9" * 5000,
    "9999-12-31",
    "🙂" * 300,
]

# Names that views read from request.form directly, for routes whose form no page shows.
RAW_NAMES = [
    *("next", "action", "value", "milestone", "message", "archived", "locale", "resume"),
    *("autosave_tab", "autosave_seq", "text", "form_mode"),  # autosave, preview, form switch
]

# Valid values for fields a page shows empty, so a form can pass but for the one bad value.
FILL = {
    "email": "someone.new@example.org",
    "display_name": "Someone New",
    "password": "another long enough passphrase",
    "new_password": "another long enough passphrase",
    "confirm": "another long enough passphrase",
    "current_password": factories.PASSWORD,
    "name": "A new cohort",
    "title": "A title",
}

ACTORS = ("anonymous", "member", "organizer")

APP = create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": "sqlite://"})
POST_ENDPOINTS = sorted(
    rule.endpoint for rule in APP.url_map.iter_rules() if "POST" in rule.methods
)
GET_ENDPOINTS = sorted(
    rule.endpoint
    for rule in APP.url_map.iter_rules()
    if "GET" in rule.methods and rule.endpoint != "static"
)


def every_form_class() -> list[type]:
    """The app's form classes. The inventory form is built per cohort template at run time
    (``InventoryForm`` subclasses of ``InventoryFormBase``); those copies, made by whatever
    test ran before, are left out so the answer does not depend on the order of tests."""
    found, todo = [], [Form]
    while todo:
        cls = todo.pop()
        if cls.__name__ == "InventoryForm":
            continue
        found.append(cls)
        todo.extend(cls.__subclasses__())
    return found


def form_field_names() -> list[str]:
    names = {
        name
        for cls in every_form_class()
        for name in dir(cls)
        if type(getattr(cls, name, None)).__name__ == "UnboundField"
    }
    return sorted(names | set(RAW_NAMES))


class FormFinder(HTMLParser):
    """The POST forms of a page: where each posts, and the values it would send as is."""

    def __init__(self):
        super().__init__()
        self.forms: list[tuple[str, MultiDict]] = []
        self._form: MultiDict | None = None
        self._textarea: str | None = None
        self._select: str | None = None
        self._buttons: set[str] = set()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        name = attrs.get("name")
        if tag == "form" and (attrs.get("method") or "").lower() == "post":
            self._form = MultiDict()
            self._buttons = set()
            self.forms.append((urlsplit(attrs.get("action") or "").path, self._form))
        elif self._form is None or not name:
            return
        elif tag == "input":
            kind = (attrs.get("type") or "text").lower()
            if kind in ("checkbox", "radio"):
                self._form.setlist(name, self._form.getlist(name))  # known, maybe unticked
                if "checked" in attrs:
                    self._form.add(name, attrs.get("value", "on"))
            elif kind != "submit":
                self._form.setlist(name, [attrs.get("value", "")])
        elif tag == "button" and name not in self._buttons:
            self._buttons.add(name)
            self._form.setlist(name, [attrs.get("value", "")])
        elif tag == "textarea":
            self._textarea = name
            self._form.setlist(name, [""])
        elif tag == "select":
            self._select = name
            self._form.setlist(name, [])
        elif (
            tag == "option"
            and self._select
            and ("selected" in attrs or not self._form.getlist(self._select))
        ):
            self._form.setlist(self._select, [attrs.get("value", "")])

    def handle_data(self, data):
        if self._form is not None and self._textarea:
            self._form.add(self._textarea, self._form.poplist(self._textarea)[0] + data)

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None


_forms_seen: dict[str, dict[str, MultiDict]] = {}


def forms_by_endpoint(app, client, world: World, actor: str) -> dict[str, MultiDict]:
    """Every POST form the actor's pages show, by the endpoint it posts to (crawled once per
    actor: each test's world is built alike, so the names and values repeat)."""
    if actor in _forms_seen:
        return _forms_seen[actor]
    adapter = app.url_map.bind("cohort.test")
    found: dict[str, MultiDict] = {}
    for endpoint in GET_ENDPOINTS:
        url = url_for(app, world, endpoint)
        page = client.get(url)
        if page.status_code != 200 or "html" not in page.content_type:
            continue
        finder = FormFinder()
        finder.feed(page.get_data(as_text=True))
        for action, values in finder.forms:
            try:
                target, _ = adapter.match(action or url, method="POST")
            except HTTPException:
                continue
            for name, value in FILL.items():
                if name in values and not values.get(name):
                    values.setlist(name, [value])
            found.setdefault(target, values)
    _forms_seen[actor] = found
    return found


def url_for(app, world: World, endpoint: str, **overrides) -> str:
    (rule,) = (r for r in app.url_map.iter_rules() if r.endpoint == endpoint)
    values = {**world.url_values(), **overrides}
    return rule.build({k: values[k] for k in rule.arguments}, append_unknown=False)[1]


def post(client, url: str, data: MultiDict, failures: list, what: str) -> None:
    try:
        status = client.post(url, data=data).status_code
    except Exception as error:
        failures.append(f"{what}: {error!r}"[:300])
        return
    if status >= 500:
        failures.append(f"{what}: {status}")


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize("endpoint", POST_ENDPOINTS)
def test_bad_values_in_every_field_of_every_post_route_are_no_500(app, endpoint, actor):
    world = World()
    client = app.test_client()
    login_as(client, world, actor)
    baseline = forms_by_endpoint(app, client, world, actor).get(endpoint)
    url = url_for(app, world, endpoint)
    names = list(baseline) if baseline else form_field_names()
    failures: list[str] = []
    for value in BAD_VALUES:
        post(client, url, MultiDict(dict.fromkeys(names, value)), failures, f"all={value!r}")
    for value in BAD_IN_A_VALID_FORM if baseline else ():
        for name in names:
            data = baseline.copy()
            data.setlist(name, [value])
            post(client, url, data, failures, f"{name}={value!r}")
    assert failures == []


def int_endpoints() -> list[str]:
    return sorted(
        {
            rule.endpoint
            for rule in APP.url_map.iter_rules()
            if any(isinstance(c, IntegerConverter) for c in rule._converters.values())
        }
    )


@pytest.mark.parametrize("endpoint", int_endpoints())
@pytest.mark.parametrize("number", [2**31, 2**63, 10**400], ids=["2**31", "2**63", "10**400"])
def test_ids_beyond_the_database_integer_are_not_found(app, endpoint, number):
    world = World()
    client = app.test_client()
    login_as(client, world, "organizer")
    (rule,) = (r for r in app.url_map.iter_rules() if r.endpoint == endpoint)
    int_names = [n for n, c in rule._converters.items() if isinstance(c, IntegerConverter)]
    url = url_for(app, world, endpoint, **dict.fromkeys(int_names, number))
    method = "GET" if "GET" in rule.methods else "POST"
    assert client.open(url, method=method).status_code == 404


@pytest.mark.parametrize(
    "path",
    [
        "/c/career%00circle",
        "/c/career%00circle/sessions",
        "/c/career%01circle/organize/settings",
        "/join/token%00",
        "/calendar/feed%00.ics",
        "/password/reset/token%00",
    ],
)
def test_control_characters_in_urls_are_not_found(app, path):
    world = World()
    client = app.test_client()
    login_as(client, world, "organizer")
    assert client.get(path).status_code == 404


@pytest.mark.parametrize("endpoint", GET_ENDPOINTS)
def test_hostile_query_strings_are_no_500(app, endpoint):
    world = World()
    client = app.test_client()
    login_as(client, world, "organizer")
    url = url_for(app, world, endpoint)
    for query in ("page=" + "9" * 400, "page=9223372036854775807", "page=-1", "next=%00"):
        assert client.get(f"{url}?{query}").status_code < 500, query


# Each single-line form field that is stored, and its column: the form's Length must fit.
STORED = {
    (RegisterForm, "email"): User.email,
    (RegisterForm, "display_name"): User.display_name,
    (ProfileForm, "display_name"): User.display_name,
    (EmailForm, "email"): User.email,
    (CohortForm, "name"): Cohort.name,
    (CohortForm, "slug"): Cohort.slug,
    (CohortForm, "description"): Cohort.description,
    (EmailInvitationForm, "email"): Invitation.email,
    (MeetingForm, "title"): Meeting.title,
    (MeetingForm, "place"): Meeting.place,
    (MeetingForm, "online_url"): Meeting.online_url,
    (SignalActionForm, "kind"): SignalDismissal.kind,
    (NoteForm, "kind"): PersonalNote.kind,
    (SeasonForm, "name"): Season.name,
    (CheckOutForm, "line"): CheckOut.line,
    (MentorProfileForm, "fields"): MentorProfile.fields,
    (MentorProfileForm, "roles_held"): MentorProfile.roles_held,
    (MentorProfileForm, "will_do"): MentorProfile.will_do,
    (MentorProfileForm, "will_not_do"): MentorProfile.will_not_do,
    (AgreementForm, "meeting_frequency"): Pairing.meeting_frequency,
    (AgreementForm, "contact_way"): Pairing.contact_way,
    (PhaseForm, "name"): PlanPhase.name,
    (PhaseEditForm, "name"): PlanPhase.name,
    **{(OneToOneForm, f"step_{n}"): NextStep.text for n in (1, 2, 3)},
    (ChatWebhookForm, "url"): ChatWebhook.url,
}
NOT_STORED = {
    (LoginForm, "email"),
    (ForgotPasswordForm, "email"),
    (ToggleForm, "value"),
    (InventoryFormBase, "version"),
    (YearRangeForm, "start"),  # read from the address to choose months, never saved
    # The live page's buttons: which change to make, never saved as text.
    (ControlForm, "action"),
    (OrderForm, "action"),
    (LateForm, "action"),
    (CheckInForm, "present"),
    # Labels of the parts of life: kept in the cohort's JSON list, each within LABEL_LENGTH.
    *(
        (PracticeForm, f"area_{n}_{language}")
        for n in range(MAX_AREAS)
        for language in ("en", "ja", "key")
    ),
    (QuarterFormBase, "version"),
    (QuarterForm, "version"),
}


def unbound_fields(cls) -> dict:
    return {
        name: getattr(cls, name)
        for name in dir(cls)
        if type(getattr(cls, name, None)).__name__ == "UnboundField"
    }


def max_length(unbound) -> int | None:
    limits = [v.max for v in unbound.kwargs.get("validators") or () if isinstance(v, Length)]
    return min(limits) if limits else None


def test_every_form_shares_the_base_that_checks_input():
    forms = set(every_form_class())
    app_forms = {
        cls
        for cls in every_subclass(FlaskForm)
        if cls.__module__.startswith("cohort.") and cls.__name__ != "InventoryForm"
    }
    assert app_forms - forms == set()


def every_subclass(cls) -> set:
    found = set()
    for sub in cls.__subclasses__():
        found |= {sub, *every_subclass(sub)}
    return found


def test_every_stored_text_field_fits_its_column():
    single_line = {
        (cls, name)
        for cls in every_form_class()
        for name, unbound in unbound_fields(cls).items()
        if issubclass(unbound.field_class, StringField)
        and not issubclass(unbound.field_class, TextAreaField | PasswordField)
    }
    assert single_line - set(STORED) - NOT_STORED == set(), "add them to STORED or NOT_STORED"
    for (cls, name), column in STORED.items():
        limit = max_length(unbound_fields(cls)[name])
        assert limit is not None and limit <= column.type.length, (cls.__name__, name)
    for cls in every_form_class():
        for name, unbound in unbound_fields(cls).items():
            if issubclass(unbound.field_class, TextAreaField):
                assert max_length(unbound) is not None, (cls.__name__, name)


def test_a_display_name_with_a_line_break_is_refused(logged_in, user):
    response = logged_in.post(
        "/settings/",
        data={
            "display_name": "Ann\r\nBcc: everyone@example.org",
            "locale": "en",
            "timezone": "UTC",
        },
    )
    assert response.status_code == 200
    assert "Use a single line" in response.get_data(as_text=True)
    db.session.refresh(user)
    assert user.display_name == "Ann"


def test_nul_and_control_characters_never_reach_the_database(logged_in, user):
    response = logged_in.post(
        "/settings/",
        data={"display_name": "Ann", "bio": "Line\x00one\x1b\r\nline two", "locale": "en"},
    )
    assert response.status_code == 302
    db.session.refresh(user)
    assert user.bio == "Lineone\r\nline two"


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("rhythm_minutes", "9" * 400, "This number is out of range"),
        ("rhythm_minutes", "twelve", "Not a valid integer value"),
        ("feedback_reviewers", "2147483648", "This number is out of range"),
    ],
)
def test_numbers_beyond_reason_are_a_form_error(app, field, value, message):
    organizer = factories.make_user()
    cohort = factories.make_cohort(organizer)
    client = app.test_client()
    client.post("/login", data={"email": organizer.email, "password": factories.PASSWORD})
    response = client.post(f"/c/{cohort.slug}/organize/settings", data={field: value})
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)


@pytest.mark.parametrize("moment", ["0001-01-01T10:00", "9999-12-31T23:59"])
def test_dates_beyond_reason_are_a_form_error(app, moment):
    organizer = factories.make_user()
    cohort = factories.make_cohort(organizer)
    client = app.test_client()
    client.post("/login", data={"email": organizer.email, "password": factories.PASSWORD})
    data = {
        "title": "Session",
        "starts_at": moment,
        "ends_at": "2027-01-01T12:00",
        "inventory_due_at": "2026-12-30T10:00",
        "feedback_due_at": "2027-01-08T10:00",
    }
    response = client.post(f"/c/{cohort.slug}/organize/sessions/new", data=data)
    assert response.status_code == 200
    assert "Enter a date between the years 1900 and 2999" in response.get_data(as_text=True)


def test_an_invitation_to_a_long_address_is_sent_and_logged_whole(app):
    organizer = factories.make_user()
    cohort = factories.make_cohort(organizer)
    client = app.test_client()
    client.post("/login", data={"email": organizer.email, "password": factories.PASSWORD})
    response = client.post(
        f"/c/{cohort.slug}/organize/invitations/email",
        data={"email": LONG_EMAIL, "valid_days": "14", "role": "member"},
    )
    assert response.status_code == 302
    assert LONG_EMAIL in db.session.scalars(select(MembershipEvent.detail)).all()


def test_text_longer_than_its_column_is_refused_on_every_database(app):
    user = factories.make_user()
    user.display_name = "x" * 81
    with pytest.raises(ValueTooLong, match=r"users\.display_name"):
        db.session.flush()
    db.session.rollback()
    user.display_name = "Ann\x00"
    with pytest.raises(ValueTooLong, match="NUL"):
        db.session.flush()
    db.session.rollback()
