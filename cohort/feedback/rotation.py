"""Who gives feedback to whom in a month: a pure function over user ids.

The month is solved as a minimum-cost flow (givers → recipients), which gives an optimal
answer rather than a greedy one that can paint itself into a corner:

- every recipient gets ``k`` reviewers, or everyone else when fewer than ``k`` can give;
- nobody reviews themselves, and a pair already assigned this month is never doubled;
- the load is balanced: each giver's n-th assignment costs more than any (n-1)-th, so loads
  end up as even as the pairs allow (fresh months: nobody more than one above the average);
- within that balance, pairs rotate: a pair costs more the more often, and the more recently,
  the giver has met the recipient before, so givers meet new people before repeating.
"""

import heapq
import math
from collections import Counter
from collections.abc import Iterable, Sequence

Pair = tuple[int, int]  # (giver id, recipient id)


def rotate(
    givers: Sequence[int],
    recipients: Sequence[int],
    k: int,
    history: Sequence[Iterable[Pair]] = (),
    existing: Iterable[Pair] = (),
) -> list[Pair]:
    """The new (giver, recipient) pairs for this month, sorted.

    ``history`` holds the pairs of past months, oldest first. ``existing`` are this month's
    pairs already made (assignments or feedback given); they are kept as they are and count
    towards each recipient's ``k`` and each giver's load.
    """
    givers = list(dict.fromkeys(givers))
    recipients = list(dict.fromkeys(recipients))
    if not givers or not recipients or k < 1:
        return []
    kept = {(g, r) for g, r in existing if g != r and g in givers and r in recipients}
    need = _needs(givers, recipients, k, kept)
    total_new = sum(need.values())
    if total_new == 0:
        return []
    load = Counter(g for g, _ in kept)
    costs = pair_costs(history)
    fair = math.ceil((sum(load.values()) + total_new) / len(givers))
    unit_costs = _unit_costs(givers, history, costs, total_new, fair)
    for slack in (1, len(recipients)):  # the second pass only when pairs block the first
        pairs = _solve(givers, recipients, need, kept, load, costs, unit_costs, fair + slack)
        if len(pairs) == total_new:
            break
    return sorted(pairs)


def _needs(givers: list[int], recipients: list[int], k: int, kept: set[Pair]) -> dict[int, int]:
    """How many new reviewers each recipient still needs."""
    have = Counter(r for _, r in kept)
    need = {}
    for recipient in recipients:
        available = sum(1 for g in givers if g != recipient and (g, recipient) not in kept)
        need[recipient] = max(0, min(k - have[recipient], available))
    return need


def pair_costs(history: Sequence[Iterable[Pair]]) -> dict[Pair, int]:
    """How much a pair is to be avoided: how often it met first, how recently second."""
    months = len(history)
    met: Counter[Pair] = Counter()
    last: dict[Pair, int] = {}
    for index, month in enumerate(history):
        for pair in set(month):
            met[pair] += 1
            last[pair] = index
    return {pair: count * (months + 1) + last[pair] + 1 for pair, count in met.items()}


def _unit_costs(givers, history, costs, total_new, fair):
    """The cost of a giver's n-th assignment this month, as a function of n.

    Balance comes first: one more unit of load outweighs anything else. Then the season's
    balance: when some must take one more than others, those who gave least so far do.
    Pairs come last. Each weight exceeds the most that everything after it can add up to.
    """
    given = Counter(g for month in history for g, _ in set(month))
    pair_weight = (max(costs.values(), default=0) + 1) * (total_new + 1)
    load_weight = pair_weight * (max(given.values(), default=0) + 1) * (total_new + 1)
    return lambda giver, n: load_weight * n + pair_weight * given[giver] * (n >= fair)


def _solve(givers, recipients, need, kept, load, costs, unit_costs, cap) -> list[Pair]:
    source, sink = 0, len(givers) + len(recipients) + 1
    flow = _MinCostFlow(sink + 1)
    giver_node = {g: 1 + i for i, g in enumerate(givers)}
    recipient_node = {r: 1 + len(givers) + i for i, r in enumerate(recipients)}
    for giver, node in giver_node.items():
        for n in range(load[giver] + 1, max(cap, load[giver]) + 1):
            flow.add(source, node, 1, unit_costs(giver, n))
    edges = {}
    for giver in givers:
        for recipient in recipients:
            if giver != recipient and (giver, recipient) not in kept and need[recipient]:
                index = flow.add(
                    giver_node[giver],
                    recipient_node[recipient],
                    1,
                    costs.get((giver, recipient), 0),
                )
                edges[(giver, recipient)] = (giver_node[giver], index)
    for recipient, node in recipient_node.items():
        if need[recipient]:
            flow.add(node, sink, need[recipient], 0)
    flow.run(source, sink)
    return [pair for pair, (node, index) in edges.items() if flow.is_used(node, index)]


class _MinCostFlow:
    """Successive shortest paths with Dijkstra on reduced costs (all costs start ≥ 0)."""

    def __init__(self, size: int):
        self.size = size
        # Each edge: [to, capacity left, cost, index of the reverse edge in graph[to]].
        self.graph: list[list[list[int]]] = [[] for _ in range(size)]

    def add(self, start: int, end: int, capacity: int, cost: int) -> int:
        self.graph[start].append([end, capacity, cost, len(self.graph[end])])
        self.graph[end].append([start, 0, -cost, len(self.graph[start]) - 1])
        return len(self.graph[start]) - 1

    def is_used(self, node: int, index: int) -> bool:
        return self.graph[node][index][1] == 0

    def run(self, source: int, sink: int) -> int:
        potential = [0] * self.size
        sent = 0
        while True:
            distance, previous = self._shortest_paths(source, potential)
            if distance[sink] is None:
                return sent
            for node in range(self.size):
                if distance[node] is not None:
                    potential[node] += distance[node]
            node, bottleneck = sink, math.inf
            while node != source:
                start, index = previous[node]
                bottleneck = min(bottleneck, self.graph[start][index][1])
                node = start
            node = sink
            while node != source:
                start, index = previous[node]
                edge = self.graph[start][index]
                edge[1] -= bottleneck
                self.graph[node][edge[3]][1] += bottleneck
                node = start
            sent += bottleneck

    def _shortest_paths(self, source: int, potential: list[int]):
        distance: list[int | None] = [None] * self.size
        previous: list[tuple[int, int] | None] = [None] * self.size
        distance[source] = 0
        queue = [(0, source)]
        while queue:
            dist, node = heapq.heappop(queue)
            if dist > distance[node]:
                continue
            for index, (end, capacity, cost, _reverse) in enumerate(self.graph[node]):
                if capacity <= 0:
                    continue
                candidate = dist + cost + potential[node] - potential[end]
                if distance[end] is None or candidate < distance[end]:
                    distance[end] = candidate
                    previous[end] = (node, index)
                    heapq.heappush(queue, (candidate, end))
        return distance, previous
