"""A run's problem and result stored gzip-compressed (CompressedJSONField) instead of as JSON.

New binary columns are added beside the JSON ones, every run's documents are copied over one
run at a time (a 100,000-student result is ~90 MB of JSON: never all runs in memory at once),
the JSON columns are dropped and the new ones take their names. Reversible: backwards the
documents are copied back into JSON columns.
"""

from django.db import migrations, models

import backend.allocations.models


def _copy(apps, source: tuple[str, str], target: tuple[str, str]) -> None:
    AllocationRun = apps.get_model("allocations", "AllocationRun")
    run_ids = list(AllocationRun.objects.order_by("pk").values_list("pk", flat=True))
    for run_id in run_ids:
        problem, result = AllocationRun.objects.filter(pk=run_id).values_list(*source).first() or (
            None,
            None,
        )
        if problem is None and result is None:
            continue
        AllocationRun.objects.filter(pk=run_id).update(**{target[0]: problem, target[1]: result})


def compress(apps, schema_editor):
    _copy(apps, ("problem", "result"), ("problem_gz", "result_gz"))


def decompress(apps, schema_editor):
    _copy(apps, ("problem_gz", "result_gz"), ("problem", "result"))


class Migration(migrations.Migration):
    dependencies = [
        ("allocations", "0003_run_placements"),
    ]

    operations = [
        migrations.AddField(
            model_name="allocationrun",
            name="problem_gz",
            field=backend.allocations.models.CompressedJSONField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="allocationrun",
            name="result_gz",
            field=backend.allocations.models.CompressedJSONField(blank=True, null=True),
        ),
        migrations.RunPython(compress, decompress),
        migrations.RemoveField(model_name="allocationrun", name="problem"),
        migrations.RemoveField(model_name="allocationrun", name="result"),
        migrations.RenameField(
            model_name="allocationrun", old_name="problem_gz", new_name="problem"
        ),
        migrations.RenameField(model_name="allocationrun", old_name="result_gz", new_name="result"),
    ]
