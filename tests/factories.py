"""factory_boy factories that build real rows through the project's services."""

import itertools

import factory
from django.contrib.auth import get_user_model

from mediation import services
from mediation.models import Channel, DisputeType, OrgKind, PartyRole, PersonKind
from mediation.validators import credit_code_check_char, id_number_check_char

_serial = itertools.count(1)


def make_id_number(birth: str = "19800101", region: str = "110101") -> str:
    """A valid GB 11643 number; a fresh sequence code on every call."""
    first17 = f"{region}{birth}{next(_serial) % 1000:03d}"
    return first17 + id_number_check_char(first17)


def make_credit_code() -> str:
    first17 = f"91110000{next(_serial):09d}"
    return first17 + credit_code_check_char(first17)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Sequence(lambda n: f"用户{n}")
    password = factory.django.Password("demo-pass-2026")


def org(code: str, kind: str, parent=None, name: str | None = None, short_name: str = ""):
    return services.organisation_create(
        code=code, name=name or code, kind=kind, parent=parent, short_name=short_name
    )


def staff(username: str, organisation, role: str):
    user = UserFactory(username=username)
    services.membership_grant(user=user, organisation=organisation, role=role)
    return user


def natural(name: str = "张三", role: str = PartyRole.APPLICANT, **fields) -> services.PartyInput:
    fields.setdefault("phone", "13800138000")
    return services.PartyInput(
        role=role, person=services.PersonInput(kind=PersonKind.NATURAL, name=name, **fields)
    )


def report_case(*, handling_org, actor=None, parties=None, **fields):
    fields.setdefault("title", "楼上漏水纠纷")
    fields.setdefault("description", "楼上住户卫生间漏水，浸泡楼下天花板，双方协商未果。")
    fields.setdefault("dispute_type", DisputeType.NEIGHBOUR)
    fields.setdefault("channel", Channel.WALK_IN)
    if parties is None:
        parties = [
            natural("张三", PartyRole.APPLICANT, id_number=make_id_number()),
            natural("李四", PartyRole.RESPONDENT, phone=""),
        ]
    return services.case_report(actor=actor, handling_org=handling_org, parties=parties, **fields)


__all__ = ["OrgKind", "make_credit_code", "make_id_number", "org", "report_case", "staff"]
