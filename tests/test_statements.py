"""Statements built once per process (cohort/statements.py): a list of ids as one parameter."""

from functools import cache

import pytest
from sqlalchemy import Select, select

from cohort.auth.models import User
from cohort.extensions import db
from cohort.statements import any_of

from . import factories


@cache
def names_of() -> Select:
    return select(User.display_name).where(any_of(User.id, "ids")).order_by(User.id)


@pytest.fixture
def people(app) -> list[User]:
    users = [factories.make_user(display_name=name) for name in ("Aiko", "Ken", "Mina", "Sora")]
    db.session.commit()
    return users


@pytest.mark.parametrize("picked", [[], [1], [0, 2, 3], [0, 1, 2, 3]])
def test_any_of_finds_the_rows_of_the_ids_given_when_it_runs(people, picked):
    ids = [people[index].id for index in picked]
    found = db.session.scalars(names_of(), {"ids": ids}).all()
    assert found == [people[index].display_name for index in picked]
    assert db.session.scalars(names_of(), {"ids": [max(p.id for p in people) + 1]}).all() == []


def test_a_list_of_any_length_is_the_same_statement_on_postgresql(people, count_queries):
    """PostgreSQL sees one text for every length, so psycopg can prepare it; elsewhere the
    list is written out (an expanding IN), one placeholder per id."""
    ids = [person.id for person in people]
    with count_queries() as counter:
        for size in (1, 2, 4):
            assert len(db.session.scalars(names_of(), {"ids": ids[:size]}).all()) == size
    texts = set(counter.statements)
    if db.engine.dialect.name == "postgresql":
        assert len(counter.statements) == 3 and len(texts) == 1
        assert "= ANY (" in texts.pop()
    else:
        assert len(texts) == 3
