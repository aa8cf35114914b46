"""The two programmes the background documents describe, in their words.

The Great Return: the documents call it the "Great Return" state program, "formally launched
in 2022", which "targets the gradual return of approximately 140,000 IDPs across seven
districts by 2026" (seed 004, Grokipedia, "Kalbajar"). The installation's first programme
(migration ``programmes 0002``, code ``return``) becomes it, so that every demo household
is enrolled in it; the targets of the figure ledger are its own.

The Concept of Return: "President Ilham Aliyev's 'Concept of Return' initiative, which
focuses on ensuring peaceful, safe and dignified return of Azerbaijanis expelled from
modern-day Armenia" (seed 003, Caliber.Az, Khagan Isayev). A declared cross-border return:
proposed, with no operations and no returns recorded. Its area of origin is the one the
document names, the country (P-code ``AM``); no district of it is named. The steps that
replace land release for a cross-border return are its policy's, as a draft.

The documents give years, not days: a phase "launched in 2022" starts on 1 January 2022 and
one "by 2026" ends on 31 December 2026, as the ledger's target does (monitoring.py).
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from homecoming.core.audit import change_reason
from homecoming.monitoring.models import Target
from homecoming.places.models import Area
from homecoming.programmes.defaults import FIRST_PROGRAMME
from homecoming.programmes.models import Phase, PolicyVersion, Programme

GREAT_RETURN_SOURCE = (
    "Grokipedia, “Kalbajar” (seed 004): “Repatriation of IDPs and Population Return”; "
    "Caliber.Az, 2025-07-09 (seed 000)"
)
GREAT_RETURN = {
    "name": "I State Programme on the Great Return",
    "name_az": "Böyük Qayıdışa dair I Dövlət Proqramı",
    "name_ru": "I Государственная программа о Великом возвращении",
    "kind": Programme.Kind.IDP_RETURN,
    "status": Programme.Status.ACTIVE,
    "description": (
        "The “Great Return” state program, formally launched in 2022 to resettle former "
        "residents of the liberated territories; it targets the gradual return of "
        "approximately 140,000 IDPs across seven districts by 2026, prioritizing safety "
        "through demining and infrastructure reconstruction (Grokipedia, “Kalbajar”). "
        "About 13,000 people were planned to return to Kalbajar by the end of 2026 "
        "(ibid., reference 102, 2023-10-20); resettlement there effectively began in "
        "mid-2025 (ibid.)."
    ),
    "source": GREAT_RETURN_SOURCE,
}
# Districts of origin and of return: those the documents name with returns or targets.
GREAT_RETURN_DISTRICTS = ("Kalbajar", "Khojaly", "Khankendi", "Aghdara")
GREAT_RETURN_PHASES = (
    # name, name_az, name_ru, starts, ends — each with the words of its source
    (
        # "formally launched in 2022 ... by 2026" (seed 004)
        "Programme period, 2022–2026",
        "Proqram dövrü, 2022–2026",
        "Период программы, 2022–2026",
        dt.date(2022, 1, 1),
        dt.date(2026, 12, 31),
    ),
    (
        # "On June 13, 2025, authorities announced preparations for the first cohort of 81
        # households"; "13,000 people will move to Kalbajar by the end of 2026" (seed 004)
        "Kalbajar: first cohorts to the end of 2026",
        "Kəlbəcər: ilk köçlər 2026-cı ilin sonunadək",
        "Кельбаджар: первые группы до конца 2026 года",
        dt.date(2025, 6, 13),
        dt.date(2026, 12, 31),
    ),
)

CONCEPT = {
    "code": "concept-of-return",
    "name": "Concept of Return",
    "name_az": "Qayıdış Konsepsiyası",
    "name_ru": "Концепция возвращения",
    "kind": Programme.Kind.REPATRIATION,
    "status": Programme.Status.PROPOSED,
    "description": (
        "A declared initiative “which focuses on ensuring peaceful, safe and dignified "
        "return of Azerbaijanis expelled from modern-day Armenia” (Caliber.Az). No "
        "operations and no returns are recorded."
    ),
    "source": (
        "Caliber.Az (Khagan Isayev), “Azerbaijani officials gather in Khachmaz to discuss "
        "Western Azerbaijanis' return to ancestral lands”, conference of June 5 (seed 003)"
    ),
}
ARMENIA = {
    "code": "AM",
    "level": Area.Level.COUNTRY,
    "name": "Armenia",
    "name_az": "Ermənistan",
    "name_ru": "Армения",
    "note": "Named by the Concept of Return's source (seed 003) as the country of origin.",
}
# The steps that replace land release for a cross-border return (issue 20), as data.
CONCEPT_STEPS = [
    {
        "key": "agreement_in_force",
        "label": {
            "en": "Agreement in force",
            "az": "Saziş qüvvədədir",
            "ru": "Соглашение вступило в силу",
        },
    },
    {
        "key": "go_and_see_visit",
        "label": {
            "en": "Go-and-see visit",
            "az": "Tanışlıq səfəri",
            "ru": "Ознакомительная поездка",
        },
    },
    {
        "key": "repatriation_form_signed",
        "label": {
            "en": "Voluntary repatriation form signed",
            "az": "Könüllü repatriasiya forması imzalanıb",
            "ru": "Подписана форма добровольной репатриации",
        },
    },
    {
        "key": "origin_country_clearance",
        "label": {
            "en": "Clearance by the country of origin",
            "az": "Mənşə ölkəsinin razılığı",
            "ru": "Разрешение страны происхождения",
        },
    },
    {
        "key": "travel_documents",
        "label": {
            "en": "Travel documents",
            "az": "Səyahət sənədləri",
            "ru": "Проездные документы",
        },
    },
]


def demo_programmes_load() -> tuple[Programme, Programme]:
    """Fill in the Great Return and make the Concept of Return, once; again harmlessly."""
    with transaction.atomic(), change_reason("demo: the programmes of the documents"):
        great_return = _great_return()
        concept = _concept()
    return great_return, concept


def _great_return() -> Programme:
    programme = (
        Programme.objects.filter(code=FIRST_PROGRAMME["code"]).first()
        or Programme.objects.order_by("pk").first()
    )
    if programme is None:
        programme = Programme(code=FIRST_PROGRAMME["code"])
    for name, value in GREAT_RETURN.items():
        setattr(programme, name, value)
    programme.full_clean()
    programme.save()
    districts = Area.objects.filter(level=Area.Level.DISTRICT, name__in=GREAT_RETURN_DISTRICTS)
    programme.origin_areas.set(districts)
    programme.destination_areas.set(districts)
    for name, name_az, name_ru, starts, ends in GREAT_RETURN_PHASES:
        Phase.objects.update_or_create(
            programme=programme,
            name=name,
            defaults={"name_az": name_az, "name_ru": name_ru, "starts_on": starts, "ends_on": ends},
        )
    for target in Target.objects.filter(figure__indicator="return_target").exclude(
        programme=programme
    ):
        target.programme = programme
        target.save(update_fields=["programme"])
    return programme


def _concept() -> Programme:
    programme, _made = Programme.objects.update_or_create(
        code=CONCEPT["code"], defaults={k: v for k, v in CONCEPT.items() if k != "code"}
    )
    armenia, _made = Area.objects.get_or_create(
        code=ARMENIA["code"], defaults={k: v for k, v in ARMENIA.items() if k != "code"}
    )
    programme.origin_areas.set([armenia])
    if not programme.policy_versions.exists():
        # A draft: a proposed programme has no policy in force. The rest of its fields are
        # the first programme's until someone drafts them (docs/policies.md).
        first = Programme.objects.order_by("pk").first().policy_versions.order_by("number")
        base = first.first()
        PolicyVersion.objects.create(
            programme=programme,
            number=1,
            status=PolicyVersion.Status.DRAFT,
            offer_answer_days=base.offer_answer_days if base else 30,
            rooms=list(base.rooms) if base else [],
            steps=CONCEPT_STEPS,
            note="The steps before a cross-border return; none is recorded as done (demo).",
        )
    return programme
