# PostgreSQL keeps statistics of an index expression (UPPER(first_name), ...) only after ANALYZE;
# until then it guesses that 0.5% of the students match a name and sorts every match instead of
# walking user_first_name_search / user_last_name_search in order (50-400 ms at 100,000 students
# instead of under a millisecond). Autovacuum analyzes only after many row changes, so the
# migration that brings the indexes does it once.

from django.db import migrations


def analyze(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ANALYZE accounts_user")
        schema_editor.execute("ANALYZE accounts_studentenrolment")


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0006_teammate_search_indexes"),
    ]

    operations = [migrations.RunPython(analyze, migrations.RunPython.noop, elidable=True)]
