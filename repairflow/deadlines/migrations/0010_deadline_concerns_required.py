import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("deadlines", "0009_deadline_concerns")]

    operations = [
        migrations.AlterField(
            model_name="deadline",
            name="concerns",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="records.creditsubject",
                verbose_name="subject concerned",
            ),
        ),
        migrations.AddIndex(
            model_name="deadline",
            index=models.Index(
                condition=models.Q(("ended_on__isnull", True)), fields=["concerns"], name="deadline_open_concerns"
            ),
        ),
    ]
