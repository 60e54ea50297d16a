"""The Kubernetes manifests in deploy/k8s, parsed and checked against the app and the image they run.

There is no Helm here: the manifests are plain YAML, so what is checked is exactly what gets applied.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from gateway.app import create_app
from gateway.settings import Settings

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"
K8S = DEPLOY / "k8s"
POD_LABELS = {"app": "resettlement-passport-gateway"}


def load(name: str) -> dict[str, Any]:
    document: dict[str, Any] = yaml.safe_load((K8S / name).read_text())
    return document


@pytest.fixture(scope="module")
def deployment() -> dict[str, Any]:
    return load("deployment.yaml")


@pytest.fixture(scope="module")
def container(deployment: dict[str, Any]) -> dict[str, Any]:
    (only,) = deployment["spec"]["template"]["spec"]["containers"]
    return only


def dockerfile(instruction: str) -> str:
    match = re.search(rf"^{instruction} (.+)$", (DEPLOY / "Dockerfile").read_text(), re.MULTILINE)
    assert match, instruction
    return match.group(1).strip()


def test_every_manifest_parses_and_is_listed_in_the_kustomization():
    listed = set(load("kustomization.yaml")["resources"])
    on_disk = {p.name for p in K8S.glob("*.yaml")} - {"kustomization.yaml"}
    assert listed == on_disk
    for name in on_disk:
        document = load(name)
        assert {"apiVersion", "kind", "metadata"} <= set(document), name
        assert document["metadata"]["name"] == "resettlement-passport-gateway", name


def test_probes_use_the_hmpps_health_paths_the_app_serves(container: dict[str, Any]):
    served = {route.path for route in create_app(Settings()).routes}  # type: ignore[attr-defined]
    probes = {kind: container[kind]["httpGet"] for kind in ("startupProbe", "livenessProbe", "readinessProbe")}
    assert probes["livenessProbe"]["path"] == "/health/liveness"
    assert probes["readinessProbe"]["path"] == "/health/readiness"
    for probe in probes.values():
        assert probe["path"] in served
        assert probe["port"] == "http"


def test_the_port_is_the_images_port_all_the_way_through(container: dict[str, Any]):
    port = int(dockerfile("EXPOSE"))
    (named,) = container["ports"]
    assert (named["name"], named["containerPort"]) == ("http", port)
    assert load("configmap.yaml")["data"]["PORT"] == str(port)
    assert load("service.yaml")["spec"]["ports"][0]["targetPort"] == "http"
    assert load("networkpolicy.yaml")["spec"]["ingress"][0]["ports"][0]["port"] == port
    assert load("servicemonitor.yaml")["spec"]["endpoints"][0] == {"port": "http", "path": "/metrics",
                                                                    "interval": "30s"}


def test_the_pod_runs_as_the_images_non_root_user_with_nothing_extra(deployment, container):
    pod = deployment["spec"]["template"]["spec"]
    assert pod["securityContext"]["runAsNonRoot"] is True
    assert str(pod["securityContext"]["runAsUser"]) == dockerfile("USER")
    assert pod["automountServiceAccountToken"] is False
    assert container["securityContext"] == {"allowPrivilegeEscalation": False, "readOnlyRootFilesystem": True,
                                            "privileged": False, "capabilities": {"drop": ["ALL"]}}
    assert "memory" in container["resources"]["limits"]


def test_every_variable_is_a_setting_and_secrets_come_from_the_secret(container: dict[str, Any]):
    config = load("configmap.yaml")["data"]
    from_secret = {e["name"]: e["valueFrom"]["secretKeyRef"] for e in container["env"]}
    from gateway.leaver.settings import LeaverPagesSettings

    known = {name.upper() for name in Settings.model_fields} | {
        f"PYF_{name.upper()}" for name in LeaverPagesSettings.model_fields}
    assert set(config) | set(from_secret) <= known  # a misspelt variable would be silently ignored
    secrets = {"DATABASE_URL", "REDIS_URL", "SESSION_SECRET", "FIRST_TIME_CODE_KEY", "PYF_ONE_LOGIN_CLIENT_SECRET"}
    assert set(from_secret) == secrets
    assert not secrets & set(config)
    assert {ref["name"] for ref in from_secret.values()} == {"resettlement-passport-gateway"}


def test_the_configuration_passes_the_production_checks(monkeypatch: pytest.MonkeyPatch):
    for name, value in load("configmap.yaml")["data"].items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("DATABASE_URL", "postgresql+asyncpg://passport@db/passport")
    monkeypatch.setenv("SESSION_SECRET", "a-real-secret-from-the-cluster")
    monkeypatch.setenv("FIRST_TIME_CODE_KEY", "another-real-secret-from-the-cluster")
    settings = Settings()
    assert settings.is_production and settings.metrics_enabled and not settings.read_only


def test_shutdown_fits_in_the_termination_grace_period(deployment, container):
    grace = deployment["spec"]["template"]["spec"]["terminationGracePeriodSeconds"]
    pre_stop = int(container["lifecycle"]["preStop"]["exec"]["command"][-1])
    app_grace = float(load("configmap.yaml")["data"]["SHUTDOWN_GRACE_SECONDS"])
    assert pre_stop + app_grace < grace


def test_replicas_survive_disruption_and_scale_on_load(deployment: dict[str, Any]):
    assert deployment["spec"]["selector"]["matchLabels"] == POD_LABELS
    assert deployment["spec"]["template"]["metadata"]["labels"] == POD_LABELS
    assert deployment["spec"]["strategy"]["rollingUpdate"]["maxUnavailable"] == 0
    hpa, pdb = load("hpa.yaml"), load("pdb.yaml")
    assert hpa["spec"]["scaleTargetRef"] == {"apiVersion": "apps/v1", "kind": "Deployment",
                                             "name": deployment["metadata"]["name"]}
    assert hpa["spec"]["minReplicas"] >= 2
    assert pdb["spec"]["minAvailable"] < hpa["spec"]["minReplicas"]  # a node drain can always proceed
    for selector in (pdb["spec"]["selector"]["matchLabels"], load("service.yaml")["spec"]["selector"],
                     load("networkpolicy.yaml")["spec"]["podSelector"]["matchLabels"]):
        assert selector == POD_LABELS
