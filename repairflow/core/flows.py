"""What every state machine shares: which actions its current state allows, and running one
of them or refusing it (409 `transition_not_allowed`, naming the allowed actions)."""

from typing import Any

from repairflow.core.errors import TransitionNotAllowed


def action_name(transition_slug: str) -> str:
    """Transitions are methods (`end_publication`); the API names actions with hyphens."""
    return transition_slug.replace("_", "-")


def available_actions(flow: Any) -> list[str]:
    """The actions whose transitions leave the flow's current state and whose conditions hold."""
    state_descriptor = type(flow).state
    return sorted(
        {
            action_name(transition.slug)
            for transition in state_descriptor.get_outgoing_transitions(flow.state)
            if transition.conditions_met(flow)
        }
    )


def run_transition(flow: Any, action: str, **kwargs: Any) -> Any:
    """Run the named transition, or raise TransitionNotAllowed when the state does not allow it."""
    method = getattr(flow, action.replace("-", "_"), None)
    if method is None or not hasattr(method, "can_proceed") or not method.can_proceed():
        raise TransitionNotAllowed(state=str(flow.state.value), allowed=available_actions(flow))
    return method(**kwargs)
