"""deploy/compose.yaml names only what exists: every setting is a setting of settings.py (or
a variable a library reads), every command a `congress` command, every service it depends on
a service, every file it mounts a file, every port it proxies a port a web process listens on.
There is no Docker engine here, so this is what can be checked of it."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from congress.__main__ import build_parser
from congress.settings import Settings

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"
COMPOSE = yaml.safe_load((DEPLOY / "compose.yaml").read_text())
SERVICES: dict[str, Any] = COMPOSE["services"]
CONGRESS = [name for name, service in SERVICES.items() if service.get("image") == "congress:latest"]
# Read by obstore (the S3 backend) from the standard AWS variables.
LIBRARY_VARIABLES = {"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_REGION"}


def test_the_roles_are_all_there() -> None:
    assert {"postgres", "redis", "minio", "web", "worker", "proxy"} <= set(SERVICES)
    assert set(CONGRESS) == {"migrate", "web", "worker"}
    assert SERVICES["web"]["deploy"]["replicas"] >= 2
    assert SERVICES["worker"]["deploy"]["replicas"] >= 1


@pytest.mark.parametrize("name", ["migrate", "web", "worker"])
def test_every_setting_and_command_exists(name: str) -> None:
    service = SERVICES[name]
    fields = {f"CONGRESS_{field.upper()}" for field in Settings.model_fields}
    for variable, value in service["environment"].items():
        assert variable in fields | LIBRARY_VARIABLES, f"{name}: {variable} is no setting"
        if variable.startswith("CONGRESS_"):
            # The value is accepted by the setting's own checks.
            Settings(**{variable.removeprefix("CONGRESS_").lower(): value, "data_dir": "/tmp/x"})
    command = service["command"]
    assert command[0] == "congress"
    build_parser().parse_args(command[1:])  # exits (fails the test) on an unknown command
    settings = {
        k.removeprefix("CONGRESS_").lower(): v
        for k, v in service["environment"].items()
        if k.startswith("CONGRESS_")
    }
    parsed = Settings(data_dir="/tmp/x", **settings)
    assert parsed.jobs == "queue" and parsed.redis_url and parsed.storage_url.startswith("s3://")


def test_dependencies_files_and_ports() -> None:
    for name, service in SERVICES.items():
        depends = service.get("depends_on", [])
        for other in depends:
            assert other in SERVICES, f"{name} depends on a missing {other}"
        for volume in service.get("volumes", []):
            source = volume.split(":")[0]
            if source.startswith("."):
                assert (DEPLOY / source).is_file(), f"{name} mounts a missing {source}"
            else:
                assert source in COMPOSE["volumes"], f"{name} uses an undeclared volume {source}"
        for network in service.get("networks", []):
            assert network in COMPOSE["networks"]
    web_port = SERVICES["web"]["command"][SERVICES["web"]["command"].index("--port") + 1]
    assert SERVICES["web"]["expose"] == [web_port]
    proxy = (DEPLOY / "nginx.conf").read_text()
    assert re.search(rf"server web:{web_port}[ ;]", proxy)
    assert SERVICES["proxy"]["ports"] == ["8080:80"] and "listen 80;" in proxy
    # The bucket that the services use is the one the init container makes.
    bucket = SERVICES["web"]["environment"]["CONGRESS_STORAGE_URL"].split("/")[2]
    assert f"store/{bucket}" in SERVICES["bucket"]["command"][0]
    endpoint = SERVICES["web"]["environment"]["CONGRESS_S3_ENDPOINT_URL"]
    assert endpoint.split("//")[1].split(":")[0] in SERVICES
    # The trusted proxy network is the compose network.
    subnet = COMPOSE["networks"]["congress"]["ipam"]["config"][0]["subnet"]
    assert SERVICES["web"]["environment"]["CONGRESS_TRUSTED_PROXIES"] == subnet


def test_health_checks_use_routes_that_exist() -> None:
    from congress.web.routes import route_handlers

    paths = {path for handler in route_handlers() for path in getattr(handler, "paths", ())}
    assert {"/health", "/ready", "/metrics"} <= paths
    assert "/ready" in " ".join(SERVICES["web"]["healthcheck"]["test"])
    # The image's own health check (the web role) asks for /health.
    assert "/health" in (DEPLOY.parent / "Dockerfile").read_text()


def test_the_proxy_spreads_requests_over_every_web_replica() -> None:
    proxy = (DEPLOY / "nginx.conf").read_text()
    upstream = re.search(r"upstream congress_web \{(.*?)\}", proxy, re.S)
    assert upstream is not None
    # Docker's DNS asked again and again (replicas come and go), shared by nginx's workers.
    assert re.search(r"server web:\d+ resolve;", upstream.group(1))
    assert "zone congress_web" in upstream.group(1) and "resolver 127.0.0.11" in proxy
    assert "proxy_pass http://congress_web;" in proxy


def test_the_readme_names_every_setting_of_each_role() -> None:
    readme = (DEPLOY.parent / "README.md").read_text()
    section = readme.split("## Running on several machines", 1)[1].split("\n## ", 1)[0]
    rows = {
        cells[1].strip(): cells[3]
        for line in section.splitlines()
        if line.startswith("| ") and len(cells := line.split("|")) > 3
    }
    web = next(text for role, text in rows.items() if role.startswith("web"))
    worker = next(text for role, text in rows.items() if role.startswith("worker"))
    fields = {f"CONGRESS_{field.upper()}" for field in Settings.model_fields}
    for text in (web, worker, section):
        for name in re.findall(r"`((?:CONGRESS|AWS)_[A-Z0-9_]+)", text):
            assert name in fields | LIBRARY_VARIABLES, f"README names {name}, no setting"
    for name in SERVICES["web"]["environment"]:
        assert f"`{name}" in web, f"README's web row does not name {name}"
    # The workers get the web's settings (one anchor); what they need is among them.
    for name in re.findall(r"`((?:CONGRESS|AWS)_[A-Z0-9_]+)", worker):
        optional = name in ("CONGRESS_QUEUE_NAME",)
        assert optional or name in SERVICES["worker"]["environment"], f"workers lack {name}"
    assert "SQLite is for one process" in section


def test_both_roles_of_the_image_are_commands() -> None:
    dockerfile = (DEPLOY.parent / "Dockerfile").read_text()
    command = json.loads(dockerfile.split("\nCMD ", 1)[1].splitlines()[0])
    assert command[:2] == ["congress", "serve"]
    build_parser().parse_args(command[1:])
    build_parser().parse_args(["serve", "--workers", "4"])
    build_parser().parse_args(SERVICES["worker"]["command"][1:])


def test_several_web_processes_on_one_port_need_a_database_server(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CONGRESS_")}
    answer = subprocess.run(
        [str(Path(sys.executable).with_name("congress")), "serve", "--workers", "2"],
        env={**env, "CONGRESS_DATA_DIR": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert answer.returncode == 1
    assert "--workers above 1 needs PostgreSQL" in answer.stderr
    assert not (tmp_path / "congress.db").exists()  # refused before anything was made
