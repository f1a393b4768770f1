"""Make the sign-in log append-only in PostgreSQL for every client of the database.

UPDATE and DELETE of a row are refused. A documented DBA session (a data-protection order, a
restore) can still change it: BEGIN; SET LOCAL koppel.sso_log_maintenance = 'on'; ...; COMMIT;
SQLite has no such guard (it is the embedded development database); the app refuses there
(backend/sso/models.py). TRUNCATE, which Django's test flush uses, is not a row operation."""

from django.db import migrations

# Executed with parameters, so a literal percent sign is written %%.
CREATE_TRIGGER = """
CREATE FUNCTION sso_log_is_append_only() RETURNS trigger AS $$
BEGIN
    IF current_setting('koppel.sso_log_maintenance', true) = 'on' THEN
        IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'sign-in log entries are append-only: %% refused', TG_OP
        USING ERRCODE = 'restrict_violation';
END $$ LANGUAGE plpgsql;

CREATE TRIGGER sso_log_is_append_only
    BEFORE UPDATE OR DELETE ON sso_signinlogentry
    FOR EACH ROW EXECUTE FUNCTION sso_log_is_append_only();
"""

DROP_TRIGGER = """
DROP TRIGGER IF EXISTS sso_log_is_append_only ON sso_signinlogentry;
DROP FUNCTION IF EXISTS sso_log_is_append_only();
"""


def _on_postgresql(sql):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("sso", "0001_sign_in_with_school_account")]

    operations = [
        migrations.RunPython(_on_postgresql(CREATE_TRIGGER), _on_postgresql(DROP_TRIGGER)),
    ]
