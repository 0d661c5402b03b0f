from django.db import migrations

TIERS = [
    ("central", "Trung ương", "Central government", 0),
    ("province", "Cấp tỉnh", "Province", 1),
    ("department", "Sở, ban, ngành", "Provincial department", 2),
    ("service_centre", "Trung tâm Phục vụ hành chính công", "Public Administration Service Center", 2),
    ("district", "Cấp huyện", "District", 3),
    ("commune", "Cấp xã", "Commune", 4),
    ("other", "Đơn vị khác", "Other unit", 5),
]


def seed(apps, schema_editor):
    Tier = apps.get_model("directory", "Tier")
    for code, name, name_en, rank in TIERS:
        Tier.objects.get_or_create(code=code, defaults={"name": name, "name_en": name_en, "rank": rank})


class Migration(migrations.Migration):
    dependencies = [("directory", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
