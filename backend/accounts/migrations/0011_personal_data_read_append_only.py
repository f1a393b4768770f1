"""Make the access log of sensitive reads (accounts_personaldataread) append-only in PostgreSQL
for every client of the database, not only this app.

UPDATE and DELETE of a row are refused. Two documented ways through, both inside one transaction:
- the retention task removes rows past their period through
  `backend.accounts.services.sensitive_reads.purge_reads`, which runs
  `SET LOCAL koppel.privacy_log_maintenance = 'on'` first;
- a DBA session (a data-protection order, a restore):
  BEGIN; SET LOCAL koppel.privacy_log_maintenance = 'on'; ...; COMMIT;
SET LOCAL ends with the transaction, so the switch never leaks into the next one. SQLite has no such
guard (it is the embedded development database); the app refuses there (backend/accounts/models.py).
TRUNCATE, which Django's test flush uses, is not a row operation."""

from django.db import migrations

from backend.core.append_only import append_only


class Migration(migrations.Migration):
    dependencies = [("accounts", "0010_privacy_log_and_consent")]

    operations = [
        append_only(
            table="accounts_personaldataread",
            name="accounts_access_log_is_append_only",
            setting="koppel.privacy_log_maintenance",
            rows="access log entries",
        ),
    ]
