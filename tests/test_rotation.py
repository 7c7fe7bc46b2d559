"""The feedback rotation, a pure function: examples, then properties over random cohorts and
seasons (hypothesis)."""

import math
from collections import Counter

from hypothesis import given, settings
from hypothesis import strategies as st

from cohort.feedback.rotation import pair_costs, rotate

MEMBERS = list(range(1, 7))


def loads(pairs, givers) -> list[int]:
    count = Counter(giver for giver, _ in pairs)
    return [count[giver] for giver in givers]


def reviewers(pairs) -> Counter:
    return Counter(recipient for _, recipient in pairs)


def test_every_inventory_gets_k_reviewers_and_nobody_reviews_themselves():
    pairs = rotate(MEMBERS, MEMBERS, 2)
    assert all(giver != recipient for giver, recipient in pairs)
    assert reviewers(pairs) == dict.fromkeys(MEMBERS, 2)
    assert loads(pairs, MEMBERS) == [2] * 6


def test_with_fewer_people_than_k_everyone_else_reviews():
    pairs = rotate([1, 2, 3], [1, 2, 3], 5)
    assert reviewers(pairs) == {1: 2, 2: 2, 3: 2}


def test_people_who_shared_nothing_give_but_receive_nothing_and_mentors_give():
    pairs = rotate(givers=[1, 2, 3, 4, 100], recipients=[1, 2], k=2)
    assert set(reviewers(pairs)) == {1, 2}
    assert max(loads(pairs, [1, 2, 3, 4, 100])) == 1  # four pieces among five givers


def test_pairs_rotate_month_after_month():
    history = []
    for _month in range(5):  # 5 months × 1 reviewer: each giver meets 5 new people
        history.append(rotate(MEMBERS, MEMBERS, 1, history))
    met = Counter(pair for month in history for pair in month)
    assert max(met.values()) == 1
    assert len(met) == 30  # every possible pair, once


def test_the_giver_who_met_the_recipient_longest_ago_comes_first():
    history = [[(1, 2)], [(4, 2)]]
    assert rotate([1, 4], [2], 1, history) == [(1, 2)]
    assert pair_costs(history)[(4, 2)] > pair_costs(history)[(1, 2)]


def test_the_giver_who_met_the_recipient_least_often_comes_first():
    history = [[(1, 2)], [(1, 2)], [(4, 2)]]
    assert rotate([1, 4], [2], 1, history) == [(4, 2)]


def test_regenerating_keeps_what_exists_and_adds_only_the_missing():
    first = rotate(MEMBERS, [1, 2, 3], 2)
    added = rotate(MEMBERS, [1, 2, 3, 4, 5], 2, existing=first)
    assert set(reviewers(added)) == {4, 5}
    assert not set(first) & set(added)
    assert reviewers(first + added) == dict.fromkeys([1, 2, 3, 4, 5], 2)
    assert rotate(MEMBERS, [1, 2, 3, 4, 5], 2, existing=first + added) == []


def test_an_existing_pair_of_someone_no_longer_giving_does_not_count():
    pairs = rotate([2, 3], [1], 2, existing=[(9, 1)])
    assert sorted(pairs) == [(2, 1), (3, 1)]


# Properties ----------------------------------------------------------------------------------


@st.composite
def cohorts(draw):
    size = draw(st.integers(3, 30))
    members = list(range(1, size + 1))
    mentors = list(range(100, 100 + draw(st.integers(0, 3))))
    return members, mentors, draw(st.integers(1, 4)), draw(st.integers(1, 12))


@settings(max_examples=60, deadline=None)
@given(cohorts(), st.randoms(use_true_random=False))
def test_every_month_is_valid_and_balanced(cohort, random):
    """Members pause, some share late (a second generation adds them), mentors give."""
    members, mentors, k, months = cohort
    history = []
    for _month in range(months):
        active = [m for m in members if random.random() > 0.15]  # the others paused
        shared = [m for m in active if random.random() > 0.2]
        early = shared[: len(shared) // 2]
        givers = active + mentors
        first = rotate(givers, early, k, history)
        late = rotate(givers, shared, k, history, existing=first)
        pairs = first + late
        assert all(giver != recipient for giver, recipient in pairs)
        assert len(set(pairs)) == len(pairs)
        assert set(first).isdisjoint(late)
        assert {g for g, _ in pairs} <= set(givers)
        for recipient in shared:  # k each, or everyone else when too few can give
            assert reviewers(pairs)[recipient] == min(k, len(givers) - 1)
        assert set(reviewers(pairs)) <= set(shared)
        if givers:
            average = len(pairs) / len(givers)
            assert max(loads(pairs, givers)) <= average + 1
            fresh_loads = loads(rotate(givers, shared, k, history), givers)
            assert max(fresh_loads) - min(fresh_loads) <= 1
        history.append(pairs)


@settings(max_examples=40, deadline=None)
@given(cohorts())
def test_a_season_repeats_pairs_as_little_as_possible(cohort):
    members, mentors, k, months = cohort
    givers = members + mentors
    history = []
    for _month in range(months):
        history.append(rotate(givers, members, k, history))
    met = Counter(pair for month in history for pair in month)
    if not mentors:
        # Everyone gives k each month: no pair meets twice before each giver has met every
        # other member, and then the repeats are spread evenly.
        if months * k <= len(members) - 1:
            assert max(met.values()) == 1
        possible = len(members) * (len(members) - 1)
        assert max(met.values()) <= math.ceil(sum(met.values()) / possible)
    for giver in givers:  # with mentors the loads differ by one: still close to even
        counts = [met[(giver, r)] for r in members if r != giver]
        assert max(counts) - min(counts) <= 2
