from mediation.models import Case
from tests.factories import report_case


def test_case_report_numbers_the_case_in_its_centres_register(district):
    case = report_case(handling_org=district.grid, actor=district.grid_worker)
    assert case.centre == district.street
    assert case.number == f"（{case.year}）经开太湖调字第00001号"
    assert Case.objects.count() == 1
