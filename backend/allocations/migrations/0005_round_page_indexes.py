"""Indexes for the coordinator's round pages (docs/performance.md): the objections page pages a
round's objections by (created_at, id); the list of a round's challenges counts the choices of
the challenges on one page from (offer, choice_list) without reading the choices themselves."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("allocations", "0004_compressed_run_documents"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="objection",
            index=models.Index(fields=["round", "created_at", "id"], name="objection_round_order"),
        ),
        migrations.AddIndex(
            model_name="choice",
            index=models.Index(fields=["offer", "choice_list"], name="choice_offer_list"),
        ),
    ]
