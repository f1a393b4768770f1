# A student's list of open challenges in its order (title, id) read off the index: the page is a
# walk that stops after the page, however many challenges the round has (docs/performance.md,
# "Student challenges: the last ratios").

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("offers", "0005_coverage_counts"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="offer",
            index=models.Index(fields=["title", "id"], name="offer_title_order"),
        ),
    ]
