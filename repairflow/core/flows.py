"""What every state machine shares: which actions its current state allows (and, given a user,
which of them the user may take), and running one of them or refusing it: 403 when the user may
never take it, 409 `transition_not_allowed` naming the allowed actions when the state forbids it."""

from typing import Any

from repairflow.core.errors import Forbidden, TransitionNotAllowed
from repairflow.core.permissions import ROLE_NOT_ALLOWED


def action_name(transition_slug: str) -> str:
    """Transitions are methods (`end_publication`, `return_` for a Python keyword); the API names
    actions with hyphens (`end-publication`, `return`)."""
    return transition_slug.rstrip("_").replace("_", "-")


def _method(flow: Any, action: str) -> Any:
    name = action.replace("-", "_")
    return getattr(flow, name, None) or getattr(flow, f"{name}_", None)


def available_actions(flow: Any, user: Any = None) -> list[str]:
    """The actions whose transitions leave the flow's current state and whose conditions hold;
    with `user`, only those the user may take."""
    state_descriptor = type(flow).state
    return sorted(
        {
            action_name(transition.slug)
            for transition in state_descriptor.get_outgoing_transitions(flow.state)
            if transition.conditions_met(flow) and (user is None or transition.has_perm(flow, user))
        }
    )


def transition_check(flow: Any, action: str, *, user: Any = None) -> Any:
    """The bound transition for `action`, once it is known to be allowed. With `user`, refused
    (403) unless the transition's permission lets the user take it from some state; then
    refused (409) when the current state or a condition does not allow it."""
    method = _method(flow, action)
    if method is None or not hasattr(method, "can_proceed"):
        raise TransitionNotAllowed(state=str(flow.state.value), allowed=available_actions(flow, user))
    if user is not None and not any(transition.has_perm(flow, user) for transition in method.get_transitions()):
        raise Forbidden(ROLE_NOT_ALLOWED)
    if not method.can_proceed():
        raise TransitionNotAllowed(state=str(flow.state.value), allowed=available_actions(flow, user))
    return method


def run_transition(flow: Any, action: str, *, user: Any = None, **kwargs: Any) -> Any:
    """Run the named transition once `transition_check` allows it."""
    return transition_check(flow, action, user=user)(**kwargs)
