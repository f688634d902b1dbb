import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

from repairflow.core.adopt import field_as_it_was, move_content_type, rename_table, table_exists

MODELS = ("CaseSequence", "Notice", "Transition")


def create_or_adopt(apps, schema_editor):
    """The case tables, or, in a database made before the layers were rebuilt, core's own renamed:
    its notices then gain their kept text, and a PDF that is rendered after the commit may be
    missing for a moment."""
    if not table_exists(schema_editor, "core_notice"):
        for name in MODELS:
            schema_editor.create_model(apps.get_model("cases", name))
        return
    for name in MODELS:
        model = apps.get_model("cases", name)
        rename_table(schema_editor, model, f"core_{name.lower()}")
        move_content_type(apps, ("core", name.lower()), ("cases", name.lower()))
    notice = apps.get_model("cases", "Notice")
    schema_editor.add_field(notice, notice._meta.get_field("text"))
    for name in ("content", "size"):
        schema_editor.alter_field(notice, field_as_it_was(notice, name, null=False), notice._meta.get_field(name))


def drop(apps, schema_editor):
    for name in reversed(MODELS):
        schema_editor.delete_model(apps.get_model("cases", name))


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("records", "0002_adopt_moved_tables"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    state_operations = [
        migrations.CreateModel(
            name="CaseSequence",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("prefix", models.CharField(max_length=4, verbose_name="prefix")),
                ("year", models.PositiveSmallIntegerField(verbose_name="year")),
                ("last_number", models.PositiveIntegerField(default=0, verbose_name="last number")),
            ],
            options={
                "verbose_name": "case number sequence",
                "verbose_name_plural": "case number sequences",
                "constraints": [models.UniqueConstraint(fields=("prefix", "year"), name="case_sequence_unique")],
            },
        ),
        migrations.CreateModel(
            name="Notice",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("case_id", models.PositiveBigIntegerField(verbose_name="case")),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("receipt", "Receipt"),
                            ("supplement", "Request for supplement"),
                            ("rejection", "Rejection"),
                            ("result", "Result"),
                            ("decision", "Decision"),
                            ("revocation", "Revocation"),
                        ],
                        max_length=20,
                        verbose_name="kind",
                    ),
                ),
                ("text", models.JSONField(blank=True, default=dict, verbose_name="text")),
                ("content", models.BinaryField(null=True, verbose_name="PDF")),
                ("size", models.PositiveIntegerField(null=True, verbose_name="size")),
                ("sha256", models.CharField(blank=True, max_length=64, verbose_name="SHA-256")),
                ("issued_at", models.DateTimeField(default=django.utils.timezone.now, verbose_name="issued at")),
                (
                    "case_type",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        to="contenttypes.contenttype",
                        verbose_name="case type",
                    ),
                ),
                (
                    "issued_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="issued by",
                    ),
                ),
            ],
            options={
                "verbose_name": "notice",
                "verbose_name_plural": "notices",
                "ordering": ["issued_at", "id"],
                "indexes": [models.Index(fields=["case_type", "case_id", "kind"], name="notice_case")],
            },
        ),
        migrations.CreateModel(
            name="Transition",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("case_id", models.PositiveBigIntegerField(verbose_name="case")),
                ("action", models.CharField(max_length=40, verbose_name="action")),
                ("source", models.CharField(max_length=20, verbose_name="from")),
                ("target", models.CharField(max_length=20, verbose_name="to")),
                ("comment", models.TextField(blank=True, verbose_name="comment")),
                ("at", models.DateTimeField(default=django.utils.timezone.now, verbose_name="at")),
                (
                    "actor",
                    models.ForeignKey(
                        blank=True,
                        help_text="Empty when the system acted by itself (a lapse, an automatic publication).",
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="actor",
                    ),
                ),
                (
                    "case_type",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        to="contenttypes.contenttype",
                        verbose_name="case type",
                    ),
                ),
            ],
            options={
                "verbose_name": "transition",
                "verbose_name_plural": "transitions",
                "ordering": ["at", "id"],
                "indexes": [models.Index(fields=["case_type", "case_id", "at"], name="transition_case")],
            },
        ),
    ]

    operations = [
        # The models; their tables are made, or adopted, by the step after.
        migrations.SeparateDatabaseAndState(state_operations=state_operations),
        migrations.RunPython(create_or_adopt, drop),
    ]
