"""A database made before the layers were rebuilt (December 2026) keeps every row: the users
(core's until then), and the outbox of record events, subscriptions and deliveries (sync's until
then) become records' tables, renamed; deliveries gain `queued_at` (the relay's), the events'
indexes their new names, and the records the indexes of their lists. A database made since has
all of it from 0001 and is left as it is."""

from django.db import migrations, models

from repairflow.core.adopt import move_content_type, rename_table, table_exists

MOVED = (
    ("User", "core", "user"),
    ("Subscription", "sync", "subscription"),
    ("HistoricalSubscription", "sync", "historicalsubscription"),
    ("RecordEvent", "sync", "outboxevent"),
    ("Delivery", "sync", "delivery"),
    ("HistoricalDelivery", "sync", "historicaldelivery"),
)


def adopt(apps, schema_editor):
    if not table_exists(schema_editor, "core_user"):
        return
    for name, app, old in MOVED:
        model = apps.get_model("records", name)
        rename_table(schema_editor, model, f"{app}_{old}")
        move_content_type(apps, (app, old), ("records", name.lower()))
    user = apps.get_model("records", "User")
    for relation in ("groups", "user_permissions"):
        through = user._meta.get_field(relation).remote_field.through
        schema_editor.alter_db_table(through, f"core_user_{relation}", through._meta.db_table)
    for name in ("Delivery", "HistoricalDelivery"):
        model = apps.get_model("records", name)
        schema_editor.add_field(model, model._meta.get_field("queued_at"))
    event = apps.get_model("records", "RecordEvent")
    for old, new in (("outbox_record_order", "record_event_order"), ("outbox_case", "record_event_case")):
        index = next(index for index in event._meta.indexes if index.name == new)
        schema_editor.rename_index(event, models.Index(fields=index.fields, name=old), index)
    record = apps.get_model("records", "CreditRecord")
    schema_editor.remove_index(record, models.Index(fields=["department", "state"], name="record_department_idx"))
    for index in record._meta.indexes:
        if index.name in ("record_order", "record_department_order", "record_subject_order"):
            schema_editor.add_index(record, index)


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("records", "0001_squashed_0003_history_reason_text"),
    ]

    operations = [migrations.RunPython(adopt, migrations.RunPython.noop)]
