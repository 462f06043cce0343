"""On PostgreSQL the database itself refuses to update or delete audit entries."""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION workflows_audit_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit entries are append-only';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER workflows_auditentry_append_only
    BEFORE UPDATE OR DELETE ON workflows_auditentry
    FOR EACH ROW EXECUTE FUNCTION workflows_audit_append_only();
"""

DROP = """
DROP TRIGGER IF EXISTS workflows_auditentry_append_only ON workflows_auditentry;
DROP FUNCTION IF EXISTS workflows_audit_append_only();
"""


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("workflows", "0001_initial")]

    operations = [migrations.RunPython(create, drop)]
