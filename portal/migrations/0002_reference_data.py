"""Loads roles, velayats, etraps, service types and target groups (editable in the admin)."""

import csv
from pathlib import Path

from django.db import migrations

ROLES = ["procurement_officer", "evaluator", "approver", "grant_officer", "system_admin"]

SERVICE_TYPES = [
    ("elderly-home-care", "Ýalňyz ýaşaýan garrylara öýde hyzmat",
     "Помощь на дому пожилым людям, живущим в одиночестве",
     "Home-based care for elderly people living alone"),
    ("disability-support", "Maýyplygy bolan adamlara goldaw",
     "Поддержка людей с инвалидностью", "Support for people with disabilities"),
    ("chronic-illness-support", "Dowamly keselli adamlara goldaw",
     "Поддержка людей с хроническими заболеваниями",
     "Support for people with chronic illnesses"),
    ("family-crisis-support", "Maşgala goldawy we krizis kömegi",
     "Поддержка семей и кризисная помощь", "Family support and crisis help"),
]

TARGET_GROUPS = [
    ("children", "Çagalar", "Дети", "Children"),
    ("elderly", "Garry adamlar", "Пожилые люди", "Elderly people"),
    ("disability", "Maýyplygy bolan adamlar", "Люди с инвалидностью", "People with disabilities"),
    ("chronic-illness", "Dowamly keselli adamlar", "Люди с хроническими заболеваниями",
     "People with chronic illnesses"),
    ("families-in-difficulty", "Kyn ýagdaýdaky maşgalalar", "Семьи в трудной жизненной ситуации",
     "Families in difficult situations"),
]


def load(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Velayat = apps.get_model("portal", "Velayat")
    Etrap = apps.get_model("portal", "Etrap")
    ServiceType = apps.get_model("portal", "ServiceType")
    TargetGroup = apps.get_model("portal", "TargetGroup")
    for role in ROLES:
        Group.objects.get_or_create(name=role)
    path = Path(__file__).resolve().parent.parent / "data" / "turkmenistan-etraps.csv"
    with path.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    velayats = {}
    for row in rows:
        code = row["region_code"]
        if code not in velayats:
            velayats[code], _ = Velayat.objects.get_or_create(
                code=code,
                defaults={
                    "name_tk": row["region_name_tk"],
                    "name_ru": row["region_name_ru"],
                    "name_en": row["region_name_en"],
                },
            )
        Etrap.objects.get_or_create(
            velayat=velayats[code],
            name_tk=row["etrap_name_tk"],
            kind=row["kind"],
            defaults={"name_ru": row["etrap_name_ru"], "name_en": row["etrap_name_en"]},
        )
    for code, tk, ru, en in SERVICE_TYPES:
        ServiceType.objects.get_or_create(
            code=code, defaults={"name_tk": tk, "name_ru": ru, "name_en": en}
        )
    for code, tk, ru, en in TARGET_GROUPS:
        TargetGroup.objects.get_or_create(
            code=code, defaults={"name_tk": tk, "name_ru": ru, "name_en": en}
        )


class Migration(migrations.Migration):
    dependencies = [("portal", "0001_initial"), ("auth", "0012_alter_user_first_name_max_length")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
