"""The deployment files: valid against their schemas, and saying what the service needs."""

import importlib.util
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import yaml

DEPLOY = Path(__file__).resolve().parent.parent / "deploy"


def _validator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("deploy_validate", DEPLOY / "k8s" / "validate.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


validate = _validator()


def _documents(name: str) -> dict[str, dict[str, Any]]:
    documents = yaml.safe_load_all((DEPLOY / "k8s" / name).read_text())
    return {f"{d['kind']}/{d['metadata']['name']}": d for d in documents if d}


def test_every_deployment_file_is_valid(capsys: pytest.CaptureFixture[str]) -> None:
    assert validate.main() == 0, capsys.readouterr().out


def test_an_unknown_field_or_a_wrong_type_is_caught(tmp_path: Path) -> None:
    web = (DEPLOY / "k8s" / "web.yaml").read_text()
    broken = tmp_path / "web.yaml"
    broken.write_text(web.replace("replicas: 3", "replicas: three", 1))
    assert any("replicas" in error for error in validate.kubernetes_errors(broken))
    broken.write_text(web.replace("revisionHistoryLimit: 5", "revisionHistoryLimits: 5", 1))
    assert validate.kubernetes_errors(broken)


def test_a_bad_compose_file_is_caught(tmp_path: Path) -> None:
    compose = (DEPLOY / "container" / "compose.yaml").read_text()
    broken = tmp_path / "compose.yaml"
    broken.write_text(compose.replace("restart: unless-stopped", "restart: sometimes", 1))
    assert validate.compose_errors(broken)
    broken.write_text(compose.replace("read_only: true", "read_only: true\n  bogus_key: 1", 1))
    assert validate.compose_errors(broken)


def test_compose_interpolation_follows_compose() -> None:
    env = {"SET": "x", "EMPTY": ""}
    assert validate.interpolate("${SET} ${UNSET:-d} ${EMPTY:-d} ${EMPTY-d} $${SET}", env) == (
        "x d d  ${SET}"
    )
    with pytest.raises(ValueError, match="UNSET must be set"):
        validate.interpolate("${UNSET:?give it}", env)


def test_beat_is_one_replica_recreated_and_locked() -> None:
    beat = _documents("beat.yaml")["Deployment/civic311-beat"]
    assert beat["spec"]["replicas"] == 1
    assert beat["spec"]["strategy"] == {"type": "Recreate"}
    command = beat["spec"]["template"]["spec"]["containers"][0]["command"]
    assert "core.beat:LockedScheduler" in command


def test_web_probes_use_the_health_endpoints_and_everything_has_resources() -> None:
    web = _documents("web.yaml")["Deployment/civic311-web"]
    (container,) = web["spec"]["template"]["spec"]["containers"]
    assert container["livenessProbe"]["httpGet"]["path"] == "/healthz/live"
    assert container["readinessProbe"]["httpGet"]["path"] == "/healthz/ready"
    for name in ("web.yaml", "worker.yaml", "beat.yaml", "migrate-job.yaml"):
        for document in _documents(name).values():
            if document["kind"] in ("Deployment", "Job"):
                for each in document["spec"]["template"]["spec"]["containers"]:
                    assert each["resources"]["requests"], name
                    assert each["resources"]["limits"], name


def test_web_scales_on_cpu_and_workers_on_queue_length() -> None:
    web = _documents("web.yaml")["HorizontalPodAutoscaler/civic311-web"]
    assert web["spec"]["metrics"][0]["resource"]["name"] == "cpu"
    worker = _documents("worker.yaml")["HorizontalPodAutoscaler/civic311-worker"]
    assert worker["spec"]["metrics"][0]["type"] == "External"
    assert "PodDisruptionBudget/civic311-web" in _documents("web.yaml")
