"""Make the sign-in log append-only in PostgreSQL for every client of the database.

UPDATE and DELETE of a row are refused. A documented DBA session (a data-protection order, a
restore) can still change it: BEGIN; SET LOCAL koppel.sso_log_maintenance = 'on'; ...; COMMIT;
SQLite has no such guard (it is the embedded development database); the app refuses there
(backend/sso/models.py). TRUNCATE, which Django's test flush uses, is not a row operation."""

from django.db import migrations

from backend.core.append_only import append_only


class Migration(migrations.Migration):
    dependencies = [("sso", "0001_sign_in_with_school_account")]

    operations = [
        append_only(
            table="sso_signinlogentry",
            name="sso_log_is_append_only",
            setting="koppel.sso_log_maintenance",
            rows="sign-in log entries",
        ),
    ]
