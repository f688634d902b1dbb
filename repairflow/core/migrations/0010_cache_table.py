"""The cache every process shares (the throttles' counters) is a database table by default
(settings CACHES): made here, so that a database migrated is a database the site can serve from,
with no `createcachetable` step to forget. Nothing is made when CACHE_URL names Redis."""

from django.core.management import call_command
from django.db import migrations


def make_cache_table(apps, schema_editor):
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = [("core", "0009_chain_heads")]

    operations = [migrations.RunPython(make_cache_table, migrations.RunPython.noop)]
