from django.db import migrations


class Migration(migrations.Migration):
    """The care-notes read log becomes the log of every sensitive read (issue 14)."""

    dependencies = [("accounts", "0008_round_participant_count_indexes")]

    operations = [migrations.RenameModel("CareNotesRead", "PersonalDataRead")]
