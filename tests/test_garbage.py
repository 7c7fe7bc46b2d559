"""A process leaves its long-lived objects out of full collections after its first requests."""

import gc

import pytest


@pytest.fixture
def calls(monkeypatch) -> list[str]:
    """The collector's own ``collect`` and ``freeze``, each call noted by name."""
    gc.unfreeze()
    noted: list[str] = []
    real_collect, real_freeze = gc.collect, gc.freeze

    def collect(*args) -> int:
        noted.append("collect")
        return real_collect(*args)

    def freeze() -> None:
        noted.append("freeze")
        real_freeze()

    monkeypatch.setattr(gc, "collect", collect)
    monkeypatch.setattr(gc, "freeze", freeze)
    yield noted
    gc.unfreeze()  # the suite's own processes keep collecting everything


def test_what_the_app_holds_is_frozen_once_after_its_first_requests(make_app, calls):
    app = make_app(GC_FREEZE_AFTER_REQUESTS=3)
    assert calls == ["freeze"] and gc.get_freeze_count() > 10_000  # what building it made
    client = app.test_client()
    client.get("/login").close()
    client.get("/login").close()
    assert calls == ["freeze"]
    client.get("/login").close()  # the third: settled once its answer is closed
    assert calls == ["freeze", "collect", "freeze"]  # garbage goes first, not frozen with it
    for _ in range(3):
        client.get("/login").close()
    assert calls == ["freeze", "collect", "freeze"]  # never again


def test_a_process_that_never_freezes(make_app, calls):
    app = make_app(GC_FREEZE_AFTER_REQUESTS=0)
    for _ in range(3):
        app.test_client().get("/login").close()
    assert calls == [] and gc.get_freeze_count() == 0
