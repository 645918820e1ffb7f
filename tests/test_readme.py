"""The README keeps its promises to a newcomer."""

from pathlib import Path

from mediation.demo_data import DEMO_LOGINS, DEMO_PASSWORD

README = (Path(__file__).resolve().parent.parent / "README.md").read_text()


def test_readme_shows_the_two_commands():
    assert "make run" in README and "make test" in README


def test_readme_lists_every_demo_login_and_the_password():
    assert DEMO_PASSWORD in README
    for username, role, organisation in DEMO_LOGINS:
        assert f"| `{username}` | {role} | {organisation} |" in README


def test_readme_says_how_to_switch_to_postgresql_and_celery():
    assert "DATABASE_URL" in README and "CELERY_BROKER_URL" in README
