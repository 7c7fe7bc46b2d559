"""Password policy and hashing."""

import pytest
from argon2 import PasswordHasher

from cohort.auth import services
from cohort.config import DefaultConfig
from cohort.errors import DomainError
from cohort.passwords import hash_password, verify_password

from . import factories


@pytest.mark.parametrize("password", ["short", "1234567"])
def test_passwords_under_eight_characters_are_refused(app, password):
    with pytest.raises(DomainError, match="at least 8"):
        services.check_password_policy(password)


@pytest.mark.parametrize("password", ["password", "iloveyou", "Qwerty123", "1234567890"])
def test_the_most_common_passwords_are_refused(app, password):
    with pytest.raises(DomainError, match="most common"):
        services.check_password_policy(password)


def test_long_passwords_are_accepted_and_never_truncated(app):
    long_password = "x" * 150 + "-the end matters"
    hashed = hash_password(long_password)
    assert verify_password(hashed, long_password)
    assert not verify_password(hashed, "x" * 150 + "-the end differs")


def test_hash_is_argon2id_with_strong_production_parameters(app):
    assert hash_password("a long enough passphrase").startswith("$argon2id$")
    production = PasswordHasher(
        time_cost=DefaultConfig.PASSWORD_HASH_TIME_COST,
        memory_cost=DefaultConfig.PASSWORD_HASH_MEMORY_COST,
    )
    assert production.type.name == "ID"
    assert DefaultConfig.PASSWORD_HASH_MEMORY_COST >= 64 * 1024  # KiB
    assert DefaultConfig.PASSWORD_HASH_TIME_COST >= 3


def test_login_upgrades_an_outdated_hash(app, monkeypatch):
    monkeypatch.setitem(app.config, "PASSWORD_HASH_TIME_COST", 2)
    user = factories.make_user()
    monkeypatch.setitem(app.config, "PASSWORD_HASH_TIME_COST", 3)
    assert services.authenticate(user.email, factories.PASSWORD) == user
    assert "t=3" in user.password_hash
    assert verify_password(user.password_hash, factories.PASSWORD)
