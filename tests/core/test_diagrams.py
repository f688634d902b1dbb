"""State diagrams generated from the flows (repairflow/core/diagrams.py, `manage.py flow_diagram`):
the exact edges of the objection's, the repair application's and the record's flows, how sources,
targets and permissions are drawn, and the diagrams in docs/workflows/ being the command's output."""

import re
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import models
from viewflow.fsm.base import State

from repairflow.core.diagrams import flow_edges, flow_states, mermaid_state_diagram
from repairflow.objections.flows import ObjectionFlow
from repairflow.records.flows import RecordFlow
from repairflow.repair.flows import RepairFlow

DOCS = Path(__file__).resolve().parents[2] / "docs" / "workflows"
OBJECTION_FLOW = "repairflow.objections.flows.ObjectionFlow"
REPAIR_FLOW = "repairflow.repair.flows.RepairFlow"


def edges(flow_class: type) -> set[tuple[str, str, str]]:
    return {(edge.source, edge.target, edge.label) for edge in flow_edges(flow_class)}


def diagram(dotted_path: str) -> str:
    out = StringIO()
    call_command("flow_diagram", dotted_path, stdout=out)
    return out.getvalue()


def test_objection_flow_edges():
    withdrawable = ("submitted", "needs_supplement", "accepted", "verifying")
    withdraw = {(state, "withdrawn", "withdraw") for state in withdrawable}
    assert edges(ObjectionFlow) == {
        ("submitted", "accepted", "accept"),
        ("submitted", "rejected", "reject"),
        ("submitted", "needs_supplement", "request-supplement"),
        ("needs_supplement", "submitted", "supplement"),
        ("needs_supplement", "lapsed", "lapse (automatic)"),
        ("accepted", "verifying", "forward"),
        ("accepted", "replied", "decide-in-office"),
        ("verifying", "verifying", "reply"),
        ("verifying", "replied", "reply"),
        ("verifying", "verifying", "extend"),
        ("verifying", "verifying", "pause"),
        ("verifying", "verifying", "resume"),
        ("replied", "verifying", "return"),
        ("replied", "corrected", "confirm"),
        ("corrected", "published", "publish (automatic)"),
        *withdraw,
    }


def test_objection_diagram_starts_submitted_and_ends_in_the_final_states():
    lines = diagram(OBJECTION_FLOW).splitlines()

    assert lines[:2] == ["stateDiagram-v2", "    [*] --> submitted"]
    assert [line.split()[0] for line in lines if line.endswith("--> [*]")] == [
        "published",
        "rejected",
        "lapsed",
        "withdrawn",
    ]
    # Edges between the same two states share one arrow, their actions in declaration order.
    assert "    verifying --> verifying: reply, extend, pause, resume" in lines
    assert flow_states(ObjectionFlow) == [
        "submitted",
        "needs_supplement",
        "accepted",
        "verifying",
        "replied",
        "corrected",
        "published",
        "rejected",
        "lapsed",
        "withdrawn",
    ]


def test_repair_flow_edges():
    withdrawable = ("submitted", "needs_supplement", "accepted", "reviewing")
    assert edges(RepairFlow) == {
        ("submitted", "accepted", "accept"),
        ("submitted", "rejected", "reject"),
        ("submitted", "needs_supplement", "request-supplement"),
        ("needs_supplement", "submitted", "supplement"),
        ("needs_supplement", "lapsed", "lapse (automatic)"),
        ("accepted", "reviewing", "forward"),
        ("reviewing", "approved", "approve"),
        ("reviewing", "denied", "deny"),
        ("denied", "reviewing", "review-again (automatic)"),
        ("reviewing", "reviewing", "extend"),
        ("reviewing", "reviewing", "pause"),
        ("reviewing", "reviewing", "resume"),
        ("approved", "repaired", "execute"),
        ("repaired", "published", "publish (automatic)"),
        ("published", "revoked", "revoke"),
        *{(state, "withdrawn", "withdraw") for state in withdrawable},
    }


def test_repair_diagram_ends_in_the_final_states_but_published():
    lines = diagram(REPAIR_FLOW).splitlines()

    assert lines[:2] == ["stateDiagram-v2", "    [*] --> submitted"]
    # published may still be revoked, denied reviewed again when an objection to it is upheld
    assert [line.split()[0] for line in lines if line.endswith("--> [*]")] == [
        "rejected",
        "lapsed",
        "withdrawn",
        "revoked",
    ]


def test_record_flow_edges():
    # The record's flow names no permission (only services move a record): nothing is automatic.
    not_revoked = ("unpublished", "published", "suspended", "ended", "expired")
    everywhere = (*not_revoked, "revoked")
    assert edges(RecordFlow) == {
        ("unpublished", "published", "publish"),
        ("published", "suspended", "suspend"),
        ("suspended", "published", "resume"),
        ("published", "ended", "end-publication"),
        ("suspended", "ended", "end-publication"),
        ("published", "expired", "expire"),
        ("suspended", "expired", "expire"),
        ("ended", "published", "republish"),
        *{(state, "revoked", "revoke") for state in not_revoked},
        *{(state, state, "correct") for state in not_revoked},
        *{(state, state, "mark-objection") for state in not_revoked},
        *{(state, state, "clear-objection") for state in everywhere},  # State.ANY, no target
    }


def test_record_diagram_starts_at_the_default_and_ends_revoked():
    lines = diagram("repairflow.records.flows.RecordFlow").splitlines()

    assert lines[1] == "    [*] --> published"
    assert [line for line in lines if line.endswith("--> [*]")] == ["    revoked --> [*]"]
    assert "    revoked --> revoked: clear-objection" in lines


class Lamp(models.TextChoices):
    OFF = "off", "Off"
    ON = "on", "On"
    BROKEN = "broken-down", "Broken down"
    END = "end", "Thrown away"


class LampFlow:
    state = State(Lamp, default=Lamp.OFF)

    @state.transition(source=Lamp.OFF, target=State.RETURN_VALUE(Lamp.ON, Lamp.BROKEN), permission=None)
    def switch_on(self) -> Lamp:
        return Lamp.ON

    @state.transition(source=Lamp.ON, target=Lamp.OFF, permission=None)
    def switch_off(self) -> None:
        pass

    @state.transition(source=State.ANY, target=Lamp.BROKEN)
    def wear_out(self) -> None:
        pass

    @state.transition(source=Lamp.BROKEN, target=Lamp.END, permission=None)
    @state.transition(source=State.ANY, permission=None)
    def return_(self) -> None:
        pass


def test_sources_targets_and_permissions_of_any_flow():
    assert edges(LampFlow) == {
        ("off", "on", "switch-on"),
        ("off", "broken-down", "switch-on"),
        ("on", "off", "switch-off"),
        # State.ANY leads from every state but its targets; without a permission it is automatic.
        ("off", "broken-down", "wear-out (automatic)"),
        ("on", "broken-down", "wear-out (automatic)"),
        ("end", "broken-down", "wear-out (automatic)"),
        # The method's own source wins over its State.ANY transition; without a target it stays.
        ("broken-down", "end", "return"),
        ("off", "off", "return"),
        ("on", "on", "return"),
        ("end", "end", "return"),
    }


def test_states_that_are_not_mermaid_words_are_labelled_with_their_value():
    lines = mermaid_state_diagram(LampFlow).splitlines()

    assert '    state "broken-down" as state_2' in lines
    assert '    state "end" as state_3' in lines
    assert "    state_2 --> state_3: return" in lines
    assert "    off --> state_2: switch-on, wear-out (automatic)" in lines


def test_a_computed_target_without_its_states_cannot_be_drawn():
    class Open:
        state = State(Lamp, default=Lamp.OFF)

        @state.transition(source=Lamp.OFF, target=State.RETURN_VALUE())
        def guess(self) -> Lamp:
            return Lamp.ON

    with pytest.raises(ValueError, match="allowed states"):
        flow_edges(Open)


def test_the_command_refuses_what_is_not_a_flow():
    with pytest.raises(CommandError, match="no flow class"):
        call_command("flow_diagram", "repairflow.objections.flows.NoSuchFlow", stdout=StringIO())
    with pytest.raises(CommandError, match="not a viewflow.fsm state"):
        call_command("flow_diagram", "repairflow.objections.models.Verification", stdout=StringIO())


@pytest.mark.parametrize(("page", "flow"), [("objection.md", OBJECTION_FLOW), ("repair.md", REPAIR_FLOW)])
def test_the_diagram_in_the_docs_is_the_commands_output(page, flow):
    """docs/workflows/<page> embeds `manage.py flow_diagram` output: regenerate it when the flow changes."""
    text = (DOCS / page).read_text(encoding="utf-8")
    embedded = re.search(r"```mermaid\n(.*?)```", text, re.DOTALL)

    assert embedded, f"docs/workflows/{page} has no mermaid block"
    assert embedded.group(1) == diagram(flow)
