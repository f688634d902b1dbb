"""State diagrams drawn from the flows themselves, never by hand: the transitions a
`viewflow.fsm` flow declares, read from its state slot, as a Mermaid `stateDiagram-v2`
(`python manage.py flow_diagram <dotted path of the flow class>` prints one).

How a transition is drawn:

- an edge from each of its sources (`State.ANY`: from every state that has no transition of
  its own by that method and is not among its targets) to each state it may lead to: its target,
  the allowed states of a `State.RETURN_VALUE(...)` or `State.GET_STATE(...)` target, or the
  source itself when it has no target (the state stays: extend, pause, a correction);
- labelled with its action as the API names it (`return_` is `return`, `end_publication` is
  `end-publication`), edges between the same two states joined into one label;
- marked "(automatic)" when no user may take it (no permission: the system acts by itself, a
  lapse, a publication), in a flow where the other transitions name who may take them. A flow
  that names no permission at all (the record's: only services move it) has nothing marked.

States are labelled with their value, listed in the order their choices declare them; the
initial state is the flow's default, and a state no transition leaves for another is final.
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass
from enum import Enum
from typing import Any

from viewflow.fsm.base import State, Transition
from viewflow.utils import DEFAULT

from repairflow.core.flows import action_name

AUTOMATIC = "automatic"
# Mermaid state ids: a word, and not one of the diagram's own keywords.
_PLAIN_ID = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_KEYWORDS = frozenset({"state", "note", "direction", "end", "class", "classDef", "style", "click"})


@dataclass(frozen=True)
class Edge:
    """One arrow of the diagram: from a state to a state, by one action."""

    source: str
    target: str
    action: str
    automatic: bool = False

    @property
    def label(self) -> str:
        return f"{self.action} ({AUTOMATIC})" if self.automatic else self.action


def _value(state: Any) -> str:
    return str(state.value if isinstance(state, Enum) else state)


def _slot(flow_class: type, attribute: str) -> Any:
    """The flow's state slot (viewflow's class-bound `StateDescriptor`)."""
    descriptor = getattr(flow_class, attribute, None)
    if descriptor is None or not hasattr(descriptor, "get_transitions"):
        raise TypeError(f"{flow_class.__name__}.{attribute} is not a viewflow.fsm state")
    return descriptor


def _transitions(flow_class: type, attribute: str) -> list[Transition]:
    """Every transition of the flow, one per source, in the order the methods are declared."""
    transitions = [
        transition
        for method_transitions in _slot(flow_class, attribute).get_transitions().values()
        for transition in method_transitions
    ]

    def declared(transition: Transition) -> tuple[str, int]:
        code = getattr(transition.func, "__code__", None)
        return (code.co_filename, code.co_firstlineno) if code else ("", 0)

    return sorted(transitions, key=declared)


def _targets(transition: Transition) -> list[Any] | None:
    """The states a transition may lead to; None when it stays where it is."""
    target = transition.target
    if target is DEFAULT:
        return None
    if isinstance(target, State.RETURN_VALUE | State.GET_STATE):
        allowed = list(target.allowed_states if isinstance(target, State.RETURN_VALUE) else target.states)
        if not allowed:
            raise ValueError(f"{transition.slug}: a computed target must declare its allowed states to be drawn")
        return allowed
    return [target]


def flow_states(flow_class: type, attribute: str = "state") -> list[str]:
    """The flow's states: the choices its default state belongs to, in their order; else every
    state its transitions name, in the order they first appear."""
    slot = _slot(flow_class, attribute)
    default = slot._state._default
    if isinstance(default, Enum):
        return [_value(member) for member in type(default)]
    states: list[str] = [] if default is None else [_value(default)]
    for transition in _transitions(flow_class, attribute):
        named = [transition.source] if transition.source is not State.ANY else []
        for state in [*named, *(_targets(transition) or [])]:
            if _value(state) not in states:
                states.append(_value(state))
    return states


def flow_edges(flow_class: type, attribute: str = "state") -> list[Edge]:
    """Every edge of the flow's diagram, by source state, then target state, then declaration."""
    states = flow_states(flow_class, attribute)
    transitions = _transitions(flow_class, attribute)
    anyone_named = any(transition.permission is not DEFAULT for transition in transitions)
    # A method's own source wins over its State.ANY transition (viewflow looks it up first).
    own_sources: dict[Any, set[str]] = {}
    for transition in transitions:
        if transition.source is not State.ANY:
            own_sources.setdefault(transition.func, set()).add(_value(transition.source))
    edges: set[tuple[int, int, int, Edge]] = set()
    for order, transition in enumerate(transitions):
        targets = _targets(transition)
        if transition.source is State.ANY:
            excluded = own_sources.get(transition.func, set()) | {_value(state) for state in targets or []}
            sources = [state for state in states if state not in excluded]
        else:
            sources = [_value(transition.source)]
        automatic = anyone_named and transition.permission is DEFAULT
        action = action_name(transition.slug)
        for source in sources:
            for target in [source] if targets is None else [_value(state) for state in targets]:
                for state in (source, target):
                    if state not in states:
                        raise ValueError(f"{transition.slug}: {state!r} is not a state of {flow_class.__name__}")
                edge = Edge(source, target, action, automatic)
                edges.add((states.index(source), states.index(target), order, edge))
    return [edge for *_, edge in sorted(edges, key=lambda item: item[:3])]


def _state_id(value: str, index: int) -> str:
    return value if _PLAIN_ID.match(value) and value not in _KEYWORDS else f"state_{index}"


def _joined(edges: Iterable[Edge]) -> dict[tuple[str, str], list[str]]:
    labels: dict[tuple[str, str], list[str]] = {}
    for edge in edges:
        labels.setdefault((edge.source, edge.target), []).append(edge.label)
    return labels


def mermaid_state_diagram(flow_class: type, attribute: str = "state") -> str:
    """The flow as a Mermaid `stateDiagram-v2` (ending with a newline)."""
    states = flow_states(flow_class, attribute)
    edges = flow_edges(flow_class, attribute)
    ids = {state: _state_id(state, index) for index, state in enumerate(states)}
    lines = ["stateDiagram-v2"]
    lines += [f'    state "{state}" as {ids[state]}' for state in states if ids[state] != state]
    default = _slot(flow_class, attribute)._state._default
    if default is not None:
        lines.append(f"    [*] --> {ids[_value(default)]}")
    for (source, target), labels in _joined(edges).items():
        lines.append(f"    {ids[source]} --> {ids[target]}: {', '.join(labels)}")
    drawn = {state for edge in edges for state in (edge.source, edge.target)}
    lines += [f"    {ids[state]}" for state in states if state not in drawn and _value(default) != state]
    moving_on = {edge.source for edge in edges if edge.source != edge.target}
    lines += [f"    {ids[state]} --> [*]" for state in states if state not in moving_on]
    return "\n".join(lines) + "\n"
