"""Tamper evidence (repairflow/core/audit.py): the Transition log, the query log and every history
table are append-only and hash-chained; `verify_audit` names the first broken link of a chain
after a row is edited, deleted or moved; accounts are deactivated, never deleted; changes to
accounts, their groups and permissions are kept with who made them."""

import io

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.management import CommandError, call_command
from django.db import IntegrityError, connection, transaction

from repairflow.cases.models import Transition
from repairflow.core.audit import CHAIN_CUT, LINK_BROKEN, AppendOnly, chain_verify, chained_models
from repairflow.core.models import ChainHead
from repairflow.objections import services
from repairflow.records.models import AccountNotDeletable, QueryKind, QueryLog, User
from repairflow.records.services import query_log_write
from tests.factories import CreditRecordFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def steps(travel, company, scj, company_user, office, officer_scj):
    """Two objections taken a few steps each: the Transition log and the history tables hold rows."""
    for number in (1, 2):
        record = CreditRecordFactory(subject=company, department=scj, decision_no=f"济市监罚〔2026〕{number}号")
        case = services.objection_submit(
            actor=company_user, record=record, grounds=["content_error"], statement="罚款金额有误。"
        )
        services.objection_accept(actor=office, number=case.number)
        services.objection_forward(actor=office, number=case.number)
    return list(Transition.objects.order_by("pk"))


def verify() -> tuple[bool, str]:
    out = io.StringIO()
    try:
        call_command("verify_audit", stdout=out)
    except CommandError as error:
        return False, out.getvalue() + str(error)
    return True, out.getvalue()


def tamper(sql: str, *params) -> None:
    """What someone with the database's own account could do: on PostgreSQL, with the table's
    trigger disabled first (the chain is what still shows it)."""
    table = sql.split()[2 if sql.startswith("DELETE") else 1]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no check pending on the table
            cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER append_only")
        cursor.execute(sql, params)
        if connection.vendor == "postgresql":
            cursor.execute(f"ALTER TABLE {table} ENABLE TRIGGER append_only")


def test_the_chains_of_rows_written_by_the_services_verify(steps, office):
    query_log_write(user=office, kind=QueryKind.LIST, purpose="核查", parameters={"q": "泉城"}, records=[])

    ok, out = verify()

    assert ok, out
    assert "cases_transition" in out and "records_querylog" in out and "objections_historicalobjection" in out
    assert ChainHead.objects.get(table="cases_transition").last_hash == steps[-1].chain_hash


def test_every_history_table_is_chained():
    history_tables = {model._meta.db_table for model in chained_models() if "historical" in model._meta.db_table}

    assert {
        "records_historicaluser",
        "records_historicaluser_groups",
        "records_historicalgroup_permissions",
        "records_historicaladministrativematter",
        "records_historicalupstreamchange",
        "registrations_historicalregistration",
    } <= history_tables
    assert len(history_tables) == 19


def test_an_edited_row_is_named(steps):
    edited = steps[2]
    tamper("UPDATE cases_transition SET comment = %s WHERE id = %s", "改过的意见", edited.pk)

    ok, out = verify()

    assert not ok
    assert f"BROKEN  cases_transition row {edited.pk}:" in out
    assert "1 of 21 chains are broken" in out


def test_a_row_deleted_from_the_middle_breaks_the_link_of_the_row_after_it(steps):
    tamper("DELETE FROM cases_transition WHERE id = %s", steps[2].pk)

    link = chain_verify(Transition)

    assert (link.table, link.row, link.reason) == ("cases_transition", steps[3].pk, str(LINK_BROKEN))


def test_the_last_row_deleted_leaves_the_chain_ending_before_its_head(steps):
    tamper("DELETE FROM cases_transition WHERE id = %s", steps[-1].pk)

    link = chain_verify(Transition)

    assert (link.table, link.row) == ("cases_transition", None)
    assert link.reason == str(CHAIN_CUT)


def test_two_rows_swapped_are_named(steps):
    first, second = steps[1], steps[2]
    for row, other in ((first, second), (second, first)):
        tamper(
            "UPDATE cases_transition SET action = %s, source = %s, target = %s WHERE id = %s",
            other.action,
            other.source,
            other.target,
            row.pk,
        )

    link = chain_verify(Transition)

    assert (link.table, link.row) == ("cases_transition", first.pk)


def test_an_edited_history_row_is_named(steps):
    row = steps[0].case.history.order_by("history_id").first()
    tamper("UPDATE objections_historicalobjection SET statement = %s WHERE history_id = %s", "另一个陈述", row.pk)

    link = chain_verify(type(row))

    assert (link.table, link.row) == ("objections_historicalobjection", row.pk)


def test_the_application_never_changes_or_deletes_a_chained_row(steps):
    step = steps[0]
    history = type(step.case).history.model
    step.comment = "改过的意见"

    for attempt in (
        step.save,
        step.delete,
        lambda: Transition.objects.filter(pk=step.pk).update(comment="改过的意见"),
        lambda: Transition.objects.filter(pk=step.pk).delete(),
        lambda: Transition.objects.bulk_update([step], ["comment"]),
        lambda: history.objects.all().delete(),
        lambda: QueryLog.objects.all().update(purpose=""),
    ):
        with pytest.raises(AppendOnly):
            attempt()

    assert Transition.objects.get(pk=step.pk).comment == ""
    assert verify()[0]


@pytest.mark.postgres
@pytest.mark.parametrize(
    "sql",
    ["UPDATE cases_transition SET comment = 'x' WHERE id = %s", "DELETE FROM cases_transition WHERE id = %s"],
)
def test_on_postgresql_a_trigger_refuses_any_update_or_delete_whoever_sends_it(steps, sql):
    if connection.vendor != "postgresql":
        pytest.skip("the trigger is PostgreSQL's")

    with pytest.raises(IntegrityError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, [steps[0].pk])

    assert Transition.objects.get(pk=steps[0].pk).comment == steps[0].comment
    assert verify()[0]


def test_an_account_is_deactivated_never_deleted(steps, office):
    acted = Transition.objects.filter(actor=office).count()
    for attempt in (office.delete, lambda: User.objects.filter(pk=office.pk).delete()):
        with pytest.raises(AccountNotDeletable):
            attempt()

    office.is_active = False
    office.save()

    assert User.objects.filter(pk=office.pk, is_active=False).exists()
    assert acted == 4 and Transition.objects.filter(actor=office).count() == acted  # its steps still name it
    assert office.history.order_by("history_id").last().is_active is False


def test_the_admin_offers_no_deletion_of_an_account(admin_client, officer_scj):
    answer = admin_client.post(f"/admin/records/user/{officer_scj.pk}/delete/", {"post": "yes"})

    assert answer.status_code == 403
    assert User.objects.filter(pk=officer_scj.pk).exists()


def test_changes_to_an_account_its_groups_and_permissions_are_kept_with_who_made_them(
    admin_client, office, officer_scj
):
    client = admin_client
    reviewers = Group.objects.create(name="复核")
    permission = Permission.objects.get(codename="view_querylog")
    form = client.get(f"/admin/records/user/{officer_scj.pk}/change/").context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None}
    data.update(
        {
            "groups": [reviewers.pk],
            "user_permissions": [permission.pk],
            "is_staff": "on",
            "date_joined_0": "2026-12-01",
            "date_joined_1": "10:00:00",
        }
    )
    data.pop("last_login", None)
    data.pop("date_joined", None)
    data.pop("is_superuser", None)
    data["department"] = officer_scj.department_id

    answer = client.post(f"/admin/records/user/{officer_scj.pk}/change/", data)

    assert answer.status_code == 302, answer.context["adminform"].form.errors if answer.context else answer
    latest = officer_scj.history.order_by("history_id").last()
    assert latest.history_user == office
    assert latest.is_staff is True
    assert [row.group_id for row in latest.groups.all()] == [reviewers.pk]
    assert [row.permission_id for row in latest.user_permissions.all()] == [permission.pk]
    assert verify()[0]


def test_changes_to_a_group_s_permissions_are_kept(office):
    group = Group.objects.create(name="复核")
    group.permissions.add(Permission.objects.get(codename="view_querylog"))

    latest = group.history.order_by("history_id").last()

    assert [row.permission.codename for row in latest.permissions.all()] == ["view_querylog"]
    assert verify()[0]


def test_a_user_made_in_a_test_is_chained_like_any_other(db):
    UserFactory(username="someone")
    assert verify()[0]
