"""Settings: production mode passes Django's deployment checks; the embedded default works."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parent.parent


def test_check_deploy_is_clean_in_production_mode(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL"))}
    env.update(
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY="x9$Kq2!vLr7@pZ3#wNf8^bTy6&hJd4*eGs1(cUm5)aQo0-iWk+",
        DJANGO_ALLOWED_HOSTS="mediation.example.gov.cn",
        MEDIATION_VAR_DIR=str(tmp_path),
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "WARNINGS" not in result.stdout + result.stderr


def test_default_language_is_simplified_chinese_with_english_second():
    assert settings.LANGUAGE_CODE == "zh-hans"
    assert [code for code, _ in settings.LANGUAGES] == ["zh-hans", "en"]
    assert settings.TIME_ZONE == "Asia/Shanghai"


def test_sqlite_uses_immediate_transactions():
    db = settings.DATABASES["default"]
    if db["ENGINE"].endswith("sqlite3"):
        assert db["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
    else:
        assert db["ENGINE"].endswith("postgresql")


@pytest.mark.django_db
def test_every_model_change_has_its_migration():
    from django.core.management import call_command

    # Exits with SystemExit(1) when a model has changes no migration records.
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)
