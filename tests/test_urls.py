"""The templates' ``url_for`` keeps the addresses it builds (cohort/urls.py): each must read as
Flask's own, per the scheme, host and mount point of the request that asks."""

from flask import render_template_string, url_for
from markupsafe import escape

TEMPLATE = (
    "{{ url_for('static', filename='css/app.css') }} "
    "{{ url_for('cohorts.member', slug='circle', user_id=7, months='all', area='x') }} "
    "{{ url_for('main.home', _external=True) }} "
    "{{ url_for('cohorts.member', slug='circle', user_id=7, _anchor='month-3') }}"
)


def flasks_own() -> str:
    """The template's addresses as Flask builds them, escaped as the template writes them."""
    return " ".join(
        escape(address)
        for address in [
            url_for("static", filename="css/app.css"),
            url_for("cohorts.member", slug="circle", user_id=7, months="all", area="x"),
            url_for("main.home", _external=True),
            url_for("cohorts.member", slug="circle", user_id=7, _anchor="month-3"),
        ]
    )


def test_kept_addresses_read_as_flasks_own_for_each_host_and_mount_point(app):
    kept = app.jinja_env.globals["url_for"].kept
    kept.cache_clear()
    requests = [
        {"base_url": "http://cohort.example/"},
        {"base_url": "http://cohort.example/career/"},  # mounted under /career
        {"base_url": "https://other.example:8443/"},
        {"base_url": "http://cohort.example/"},  # as the first: served from what was kept
    ]
    pages = []
    for environ in requests:
        with app.test_request_context("/", **environ):
            page = render_template_string(TEMPLATE)
            assert page == flasks_own()
            pages.append(page)
    assert "/career/static/css/app.css" in pages[1]
    assert "https://other.example:8443/" in pages[2]
    assert pages[3] == pages[0]
    assert kept.cache_info().hits == len(TEMPLATE.split("url_for")) - 1  # the last request's


def test_values_that_cannot_be_kept_and_relative_endpoints_are_built_each_time(app, monkeypatch):
    kept = app.jinja_env.globals["url_for"].kept
    kept.cache_clear()
    with app.test_request_context("/c/circle/", base_url="http://cohort.example/"):
        page = render_template_string("{{ url_for('main.home', ids=[1, 2]) }}")
        assert page == escape(url_for("main.home", ids=[1, 2]))
        page = render_template_string("{{ url_for('.guide', slug='circle') }}")
        assert page == url_for("cohorts.guide", slug="circle")
    monkeypatch.setitem(app.config, "SERVER_NAME", "cohort.example")
    with app.app_context():  # outside any request, as an email's links are built
        address = app.jinja_env.globals["url_for"]("main.home", _external=True)
        assert address == url_for("main.home", _external=True)
    assert kept.cache_info().currsize == 0
