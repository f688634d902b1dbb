"""Every clock names the subject its case or record concerns (the queue searches by it): added
empty and filled from each clock's case or record (required in the next migration: PostgreSQL
refuses to alter a table whose rows this transaction changed under deferred constraints)."""

import django.db.models.deletion
from django.db import migrations, models

# (app label, model, table) of every kind of row a clock hangs on
HUNG_ON = [
    ("objections", "objection", "objections_objection"),
    ("repair", "repairapplication", "repair_repairapplication"),
    ("records", "creditrecord", "records_creditrecord"),
]


def fill(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        for app_label, model, table in HUNG_ON:
            cursor.execute(
                f"UPDATE deadlines_deadline SET concerns_id = (SELECT subject_id FROM {table} WHERE {table}.id = deadlines_deadline.case_id)"
                " WHERE case_type_id = (SELECT id FROM django_content_type WHERE app_label = %s AND model = %s)",
                [app_label, model],
            )


class Migration(migrations.Migration):
    dependencies = [
        ("deadlines", "0008_clock_tally"),
        ("objections", "0005_case_rules"),
        ("repair", "0005_case_rules"),
        ("records", "0011_subject_bankruptcy"),
    ]

    operations = [
        migrations.AddField(
            model_name="deadline",
            name="concerns",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="records.creditsubject",
                verbose_name="subject concerned",
            ),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
