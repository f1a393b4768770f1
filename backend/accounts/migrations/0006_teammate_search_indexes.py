# The teammate search (backend.allocations.selectors.student.search_classmates): names starting
# with what the student typed, in any case, and one school's class, read off an index in order.

import django.db.models.functions.text
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0005_user_name_order"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="studentenrolment",
            index=models.Index(
                models.F("school"),
                django.db.models.functions.text.Upper("class_code"),
                name="enrolment_school_class",
            ),
        ),
        migrations.AddIndex(
            model_name="user",
            index=models.Index(
                django.db.models.functions.text.Upper("first_name"),
                django.db.models.functions.text.Upper("last_name"),
                models.F("id"),
                name="user_first_name_search",
            ),
        ),
        migrations.AddIndex(
            model_name="user",
            index=models.Index(
                django.db.models.functions.text.Upper("last_name"),
                django.db.models.functions.text.Upper("first_name"),
                models.F("id"),
                name="user_last_name_search",
            ),
        ),
    ]
