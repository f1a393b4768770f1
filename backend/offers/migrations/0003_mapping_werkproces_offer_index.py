# The offers mapped to a student's open werkprocessen (the fit on the student's challenge list,
# backend.allocations.selectors.student.fit_count), read off the index alone.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("offers", "0002_guest_lesson_time"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="werkprocesmapping",
            index=models.Index(fields=["werkproces", "offer"], name="mapping_werkproces_offer"),
        ),
    ]
