"""The dashboard's queries do not grow with the cases, the mediators or the warnings."""

from django.urls import reverse

from mediation.models import Case, PartyRole, Role
from tests.factories import natural, report_case, staff

# Without an ID number or phone: never matched as a repeat party.
RESPONDENT = natural("对方", PartyRole.RESPONDENT, phone="")


def _cases(district, n, start=0):
    """``n`` cases, each with a mediator of its own: more rows for mediator performance,
    and from the ninth case on, repeat warnings of parties and addresses."""
    for i in range(start, start + n):
        case = report_case(
            handling_org=district.street,
            parties=[RESPONDENT, natural(f"当事人{i % 4}", phone=f"1391234{i % 4:04d}")],
            location=f"新园社区{i % 3}栋",
            grid=district.grid,
        )
        mediator = staff(f"jk-mediator-{i}", district.street, Role.MEDIATOR)
        Case.objects.filter(pk=case.pk).update(mediator=mediator)


def test_the_dashboards_query_count_does_not_grow_with_the_cases(
    client, district, django_assert_max_num_queries
):
    director = staff("jk-director", district.district, Role.CENTRE_DIRECTOR)
    client.force_login(director)
    _cases(district, 9)  # a warning of each kind
    with django_assert_max_num_queries(44) as few:
        client.get(reverse("dashboard:index"))
    _cases(district, 15, start=9)
    with django_assert_max_num_queries(len(few)):
        client.get(reverse("dashboard:index"))


def test_an_exports_query_count_does_not_grow_with_the_rows(
    client, district, django_assert_max_num_queries
):
    client.force_login(district.street_staff)
    _cases(district, 9)  # a warning
    url = reverse("dashboard:export") + "?table=warnings_party&format=xlsx"
    with django_assert_max_num_queries(12) as few:
        client.get(url)
    _cases(district, 15, start=9)
    with django_assert_max_num_queries(len(few)):
        client.get(url)
