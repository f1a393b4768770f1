# The review queue (offers awaiting a decision, waiting longest first) read off the index: a page
# costs the same however many offers wait (docs/performance.md, "Review queue").

import django.db.models.functions.comparison
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("offers", "0003_mapping_werkproces_offer_index"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="offer",
            index=models.Index(
                django.db.models.functions.comparison.Coalesce("status_changed_at", "created_at"),
                models.F("created_at"),
                models.F("id"),
                condition=models.Q(("status__in", ("submitted", "in_review"))),
                name="offer_review_queue_order",
            ),
        ),
    ]
