"""manage.py exit codes and messages; the app's database preparation."""

import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import text

import manage
from models.db import make_engine
from services.platform.bootstrap import SchemaOutdated, prepare_database
from services.platform.settings import Settings

ROOT = Path(__file__).resolve().parents[2]


def test_verify_audit_exit_codes(seeded, capsys):
    with seeded.connect() as conn:
        n = conn.execute(text("SELECT count(*) FROM audit_event")).scalar_one()
    assert n >= 1
    assert manage.main(["verify-audit"]) == 0
    assert f"audit chain intact: {n} events" in capsys.readouterr().out
    with seeded.begin() as conn:
        conn.execute(text("UPDATE audit_event SET actor = 'mallory' WHERE id = 1"))
    assert manage.main(["verify-audit"]) == 1
    assert "BROKEN at event 1" in capsys.readouterr().err


def test_create_user_cli(seeded, capsys):
    code = manage.main(["create-user", "chen.qi", "--roles", "leader,supervisor", "--region", "210200",
                        "--name", "陈七", "--password", "Strong2026"])
    assert code == 0
    assert "created user chen.qi (leader,supervisor) in region 210200" in capsys.readouterr().out
    assert manage.main(["create-user", "chen.qi", "--roles", "leader", "--region", "210200",
                        "--password", "Strong2026"]) == 2
    assert "taken" in capsys.readouterr().err
    assert manage.main(["create-user", "x.y", "--roles", "leader", "--region", "999999",
                        "--password", "Strong2026"]) == 2


def test_seed_demo_twice_is_refused(engine, capsys):
    assert manage.main(["seed-demo"]) == 0
    assert "org: regions=43, departments=516, users=14" in capsys.readouterr().out
    assert manage.main(["seed-demo"]) == 2
    assert "already holds regions" in capsys.readouterr().err


def test_init_org_loads_the_real_province(engine, capsys):
    assert manage.main(["init-org"]) == 0
    assert "loaded 115 regions and 1380 departments" in capsys.readouterr().out


def test_unknown_command_exits_non_zero():
    proc = subprocess.run([sys.executable, "manage.py", "no-such-command"], cwd=ROOT,
                          capture_output=True, text=True)
    assert proc.returncode == 2 and "invalid choice" in proc.stderr


def test_demo_mode_migrates_and_seeds_an_empty_database(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'fresh.db'}")
    settings = Settings(_env_file=None, database_url=str(engine.url), demo_mode=True)
    assert prepare_database(engine, settings) == "seeded"
    assert prepare_database(engine, settings) == "ready"


def test_production_refuses_an_unmigrated_database(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'prod.db'}")
    settings = Settings(_env_file=None, database_url=str(engine.url), demo_mode=False,
                        auth_cookie_key="k" * 32)
    with pytest.raises(SchemaOutdated, match="init-db"):
        prepare_database(engine, settings)
