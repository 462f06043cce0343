from django.db import DatabaseError, migrations, transaction


def create_trigram_extension(apps, schema_editor):
    # Names then also match by similarity; a database user who may not create extensions
    # keeps full-text search alone.
    if schema_editor.connection.vendor != "postgresql":
        return
    try:
        with transaction.atomic(using=schema_editor.connection.alias):
            schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    except DatabaseError:
        return


class Migration(migrations.Migration):
    dependencies = [
        ("providers", "0003_list_indexes"),
    ]

    operations = [
        migrations.RunPython(create_trigram_extension, migrations.RunPython.noop, elidable=True),
    ]
