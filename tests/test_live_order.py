"""Speaking orders over many generated cases: everyone who shared speaks exactly once, and in
the rotation nobody opens two consecutive sessions."""

from hypothesis import given, settings
from hypothesis import strategies as st

from cohort.live import order
from cohort.live.models import BREAK, CLOSING, OPENING, OrderMode

people = st.lists(st.integers(min_value=1, max_value=60), min_size=0, max_size=15, unique=True)
modes = st.sampled_from(list(OrderMode))


@given(
    shared=people,
    mode=modes,
    openers=st.lists(st.integers(1, 60) | st.none(), max_size=8),
    seed=st.integers(),
)
def test_everyone_who_shared_speaks_exactly_once(shared, mode, openers, seed):
    spoken = order.speaking_order(mode, shared, openers, seed=seed)
    assert sorted(spoken) == sorted(shared)
    if mode == OrderMode.SHARED:
        assert spoken == shared


@settings(max_examples=200)
@given(
    sessions=st.lists(
        st.lists(st.integers(min_value=1, max_value=12), min_size=0, max_size=10, unique=True),
        min_size=2,
        max_size=12,
    )
)
def test_in_the_rotation_nobody_opens_twice_in_a_row(sessions):
    """Consecutive sessions with whoever shared each month: an opener who shares again the
    next month does not open it, unless they are the only one who shared."""
    openers: list[int | None] = []  # latest first
    for shared in sessions:
        spoken = order.speaking_order(OrderMode.ROTATION, shared, openers)
        assert sorted(spoken) == sorted(shared)
        opener = spoken[0] if spoken else None
        if openers and opener is not None and len(shared) > 1:
            assert opener != openers[0]
        openers.insert(0, opener)


@settings(max_examples=100)
@given(sessions=st.integers(min_value=2, max_value=20), group=people.filter(lambda g: len(g) >= 2))
def test_in_a_steady_group_the_rotation_lets_everyone_open_in_turn(sessions, group):
    openers: list[int | None] = []
    for _ in range(sessions):
        openers.insert(0, order.speaking_order(OrderMode.ROTATION, group, openers)[0])
    window = openers[: len(group)]
    assert len(set(window)) == len(window)  # nobody twice before everyone once


@given(
    speakers=people,
    opening=st.integers(0, 30),
    break_=st.integers(0, 30),
    closing=st.integers(0, 30),
)
def test_the_agenda_holds_every_speaker_once_and_only_the_slots_asked_for(
    speakers, opening, break_, closing
):
    agenda = order.build_agenda(speakers, opening, break_, closing)
    assert [item for item in agenda if isinstance(item, int)] == speakers
    assert (OPENING in agenda) == bool(opening) and (CLOSING in agenda) == bool(closing)
    assert (BREAK in agenda) == bool(break_ and speakers)
    if opening:
        assert agenda[0] == OPENING
    if closing:
        assert agenda[-1] == CLOSING


@given(
    length=st.integers(min_value=30 * 60, max_value=6 * 3600),
    speakers=st.integers(min_value=1, max_value=30),
    slots=st.tuples(st.integers(0, 30), st.integers(0, 30), st.integers(0, 30)),
)
def test_the_time_box_fits_the_session_and_is_at_least_a_minute(length, speakers, slots):
    box = order.time_box(length, speakers, *slots)
    assert box >= 60
    if length - 60 * sum(slots) >= 60 * speakers:
        assert box * speakers + 60 * sum(slots) <= length


@given(agenda_people=people, step=st.sampled_from([-1, 1]), data=st.data())
def test_moving_someone_keeps_everyone_and_the_slots_in_place(agenda_people, step, data):
    agenda = order.build_agenda(agenda_people, 5, 5, 5)
    person = data.draw(st.sampled_from(agenda_people)) if agenda_people else 1
    moved = order.move(agenda, person, step)
    assert sorted(map(str, moved)) == sorted(map(str, agenda))
    assert [i for i, x in enumerate(moved) if isinstance(x, str)] == [
        i for i, x in enumerate(agenda) if isinstance(x, str)
    ]
