"""Tables that changed app when the layers were rebuilt (December 2026): a database made before it
keeps every row, its tables renamed into their new app (docs/architecture.md "Layers"). The
migrations that moved them call these; a database made since has the new tables already."""

from typing import Any

from django.db import models


def table_exists(schema_editor: Any, name: str) -> bool:
    with schema_editor.connection.cursor() as cursor:
        return name in schema_editor.connection.introspection.table_names(cursor)


def rename_table(schema_editor: Any, model: type[models.Model], old_table: str) -> None:
    """Rename `old_table` to `model`'s table (foreign keys that pointed to it follow)."""
    schema_editor.alter_db_table(model, old_table, model._meta.db_table)


def field_as_it_was(model: type[models.Model], name: str, **was: Any) -> models.Field:
    """`model`'s field `name` as it was before (`was`: the attributes that differed), to alter from."""
    field = model._meta.get_field(name)
    old = field.clone()
    for attribute, value in was.items():
        setattr(old, attribute, value)
    old.set_attributes_from_name(name)
    old.model = model
    return old


def move_content_type(apps: Any, old: tuple[str, str], new: tuple[str, str]) -> None:
    """The content type of a moved model takes its new app and name, keeping its id (which generic
    relations, permissions and the admin's log refer to), and its permissions their new codenames."""
    content_types = apps.get_model("contenttypes", "ContentType")
    permissions = apps.get_model("auth", "Permission")
    moved = content_types.objects.filter(app_label=old[0], model=old[1]).first()
    if moved is None:
        return
    content_types.objects.filter(app_label=new[0], model=new[1]).exclude(pk=moved.pk).delete()
    moved.app_label, moved.model = new
    moved.save(update_fields=["app_label", "model"])
    if old[1] != new[1]:
        for permission in permissions.objects.filter(content_type=moved):
            permission.codename = permission.codename.replace(f"_{old[1]}", f"_{new[1]}")
            permission.save(update_fields=["codename"])
