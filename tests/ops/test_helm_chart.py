"""The Helm chart in deploy/helm, rendered by Helm's own engine and checked against Kubernetes, the app and
the image it runs.

Helm comes from helm-python-sdk (Helm's Go SDK in a wheel, no binary) and the Kubernetes API schemas from
kubernetes-validate, both offline. The optional ServiceMonitor is a CRD with no schema there; it is checked
field by field.
"""

from __future__ import annotations

import asyncio
import os
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import helm_python as helm
import kubernetes_validate
import pytest
import yaml

from gateway.app import create_app
from gateway.leaver.settings import LeaverPagesSettings
from gateway.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
CHART = DEPLOY / "helm" / "resettlement-passport-gateway"
RELEASE, NAMESPACE = "resettlement-passport-gateway", "resettlement-passport-prod"
KUBE_VERSION = "1.30"  # what the MoJ Cloud Platform runs; the chart asks for >= 1.23
SECRETS = {"DATABASE_URL", "REDIS_URL", "SESSION_SECRET", "FIRST_TIME_CODE_KEY", "PYF_ONE_LOGIN_CLIENT_SECRET"}

# A second environment: fixed replicas instead of the HPA, a ServiceMonitor, another port and Secret, settings
# overridden and added, and no migration hook.
SECOND: dict[str, Any] = {
    "replicaCount": 3,
    "autoscaling": {"enabled": False},
    "containerPort": 9000,
    "service": {"port": 8080},
    "metrics": {"serviceMonitor": {"enabled": True, "interval": "15s", "labels": {"release": "prometheus"}}},
    "secret": {"existingSecret": "passport-preprod", "keys": sorted(SECRETS)},
    "config": {"READ_ONLY": "true", "LOG_LEVEL": "DEBUG", "OUTBOX_WORKER_ENABLED": "false",
               "RATE_LIMIT_PER_MINUTE": 300},
    "networkPolicy": {"ingressNamespaceLabels": [{"kubernetes.io/metadata.name": "preprod-ingress"}]},
    "shutdown": {"appGraceSeconds": 40},
    "migrations": {"enabled": False},
}
VALUE_SETS = {"defaults": None, "second": SECOND}


@dataclass(frozen=True)
class Release:
    """One `helm template`: every rendered object, and the notes shown after an install."""

    documents: list[dict[str, Any]]
    notes: str

    def all(self, kind: str) -> list[dict[str, Any]]:
        return [d for d in self.documents if d["kind"] == kind]

    def one(self, kind: str) -> dict[str, Any]:
        (only,) = self.all(kind)
        return only

    @property
    def pod(self) -> dict[str, Any]:
        spec: dict[str, Any] = self.one("Deployment")["spec"]["template"]["spec"]
        return spec

    @property
    def container(self) -> dict[str, Any]:
        only: dict[str, Any]
        (only,) = self.pod["containers"]
        return only

    @property
    def pod_labels(self) -> dict[str, str]:
        labels: dict[str, str] = self.one("Deployment")["spec"]["template"]["metadata"]["labels"]
        return labels

    @property
    def config(self) -> dict[str, str]:
        data: dict[str, str] = self.one("ConfigMap")["data"]
        return data


def render(values: dict[str, Any] | None = None) -> Release:
    with helm.Chart.load(CHART) as chart:
        manifests = chart.render(values, name=RELEASE, namespace=NAMESPACE)
    documents = [doc for path, text in sorted(manifests.items()) if path.endswith(".yaml")
                 for doc in yaml.safe_load_all(text) if doc]
    return Release(documents, manifests[f"{RELEASE}/templates/NOTES.txt"])


@pytest.fixture(scope="module", params=list(VALUE_SETS))
def release(request: pytest.FixtureRequest) -> Release:
    return render(VALUE_SETS[request.param])


@pytest.fixture(scope="module")
def defaults() -> Release:
    return render()


def known_settings() -> set[str]:
    return {name.upper() for name in Settings.model_fields} | {
        f"PYF_{name.upper()}" for name in LeaverPagesSettings.model_fields}


def secret_refs(container: dict[str, Any]) -> dict[str, dict[str, str]]:
    return {e["name"]: e["valueFrom"]["secretKeyRef"] for e in container["env"] if "valueFrom" in e}


def selects(selector: dict[str, str], labels: dict[str, str]) -> bool:
    return selector.items() <= labels.items()


def dockerfile() -> str:
    return (DEPLOY / "Dockerfile").read_text().replace("\\\n", " ")


def instruction(name: str) -> str:
    *_, last = re.findall(rf"^{name} (.+)$", dockerfile(), re.MULTILINE)  # the final stage's
    return str(last).strip()


def image_env() -> dict[str, str]:
    return dict(re.findall(r"(\w+)=(\S+)", " ".join(re.findall(r"^ENV (.+)$", dockerfile(), re.MULTILINE))))


# Helm's view of the chart


@pytest.mark.parametrize("values", list(VALUE_SETS.values()), ids=list(VALUE_SETS))
def test_helm_lint_finds_nothing_worse_than_a_hint(values: dict[str, Any] | None) -> None:
    report = helm.lint(CHART, values, strict=True, kube_version=f"v{KUBE_VERSION}.0")
    assert report["errors"] == []
    assert [m for m in report["messages"] if m["severity"] >= 2] == []


def test_each_value_set_renders_the_objects_it_asks_for(release: Release) -> None:
    kinds = sorted(d["kind"] for d in release.documents)
    if release.all("HorizontalPodAutoscaler"):
        assert kinds == ["ConfigMap", "Deployment", "HorizontalPodAutoscaler", "Job", "NetworkPolicy",
                         "PodDisruptionBudget", "Service"]
    else:
        assert kinds == ["ConfigMap", "Deployment", "NetworkPolicy", "PodDisruptionBudget", "Service",
                         "ServiceMonitor"]
    assert {d["metadata"]["name"] for d in release.documents} <= {RELEASE, f"{RELEASE}-migrate"}


def test_every_rendered_object_is_valid_against_the_kubernetes_api(release: Release) -> None:
    for document in release.documents:
        if document["apiVersion"] == "monitoring.coreos.com/v1":
            check_service_monitor(document)
        else:
            kubernetes_validate.validate(document, KUBE_VERSION, strict=True)


def check_service_monitor(monitor: dict[str, Any]) -> None:
    """A ServiceMonitor is a prometheus-operator CRD, outside the Kubernetes API schemas; these are the fields
    the chart writes, checked against the CRD's rules (LabelSelector, Prometheus durations)."""
    assert monitor["kind"] == "ServiceMonitor"
    assert set(monitor) == {"apiVersion", "kind", "metadata"} | {"spec"}
    assert set(monitor["metadata"]) == {"name", "labels"}
    assert all(isinstance(v, str) for v in monitor["metadata"]["labels"].values())
    assert set(monitor["spec"]) == {"selector", "endpoints"}
    assert set(monitor["spec"]["selector"]) == {"matchLabels"}
    for endpoint in monitor["spec"]["endpoints"]:
        assert set(endpoint) == {"port", "path", "interval"}
        assert re.fullmatch(r"([0-9]+(ms|s|m|h))+", endpoint["interval"])


def test_the_kubernetes_validation_would_catch_a_misspelt_field(defaults: Release) -> None:
    service = defaults.one("Service")
    broken = {**service, "spec": {**service["spec"], "selektor": service["spec"]["selector"]}}
    with pytest.raises(kubernetes_validate.ValidationError, match="selektor"):
        kubernetes_validate.validate(broken, KUBE_VERSION, strict=True)


@pytest.mark.parametrize("bad", [
    {"replicaCount": "three"},
    {"autoscalling": {"enabled": False}},
    {"config": {"DATABASE_URL": "postgresql+asyncpg://in-a-config-map"}},
    {"config": {"ENVIRONMENT": "prod"}},
    {"secret": {"keys": ["REDIS_URL"]}},
    {"containerPort": 80},
    {"metrics": {"serviceMonitor": {"enabled": True, "interval": "thirty seconds"}}},
], ids=["replicas-not-a-number", "misspelt-key", "secret-in-config-map", "unknown-environment",
        "database-url-not-from-secret", "privileged-port", "bad-interval"])
def test_the_values_schema_refuses_a_bad_value_before_anything_renders(bad: dict[str, Any]) -> None:
    with helm.Chart.load(CHART) as chart:
        chart.validate_schema(None)
        with pytest.raises(helm.HelmValuesError):
            chart.validate_schema(bad)
        with pytest.raises(helm.HelmValuesError):
            chart.render(bad, name=RELEASE, namespace=NAMESPACE)


@pytest.mark.parametrize(("bad", "reason"), [
    ({"autoscaling": {"minReplicas": 7, "maxReplicas": 6}}, "more than autoscaling.maxReplicas"),
    ({"podDisruptionBudget": {"minAvailable": 2}}, "no node could ever be drained"),
    ({"metrics": {"serviceMonitor": {"enabled": True}}, "config": {"METRICS_ENABLED": "false"}}, "no /metrics"),
], ids=["hpa-min-over-max", "pdb-blocks-drains", "scrape-without-metrics"])
def test_incoherent_values_fail_to_render_with_the_reason(bad: dict[str, Any], reason: str) -> None:
    with helm.Chart.load(CHART) as chart, pytest.raises(helm.HelmRenderError, match=reason):
        chart.render(bad, name=RELEASE, namespace=NAMESPACE)


# The chart against the app


def test_probes_use_the_hmpps_health_paths_the_app_serves(release: Release) -> None:
    served = {route.path for route in create_app(Settings()).routes}  # type: ignore[attr-defined]
    probes = {kind: release.container[kind]["httpGet"] for kind in ("startupProbe", "livenessProbe",
                                                                     "readinessProbe")}
    assert probes["livenessProbe"]["path"] == "/health/liveness"
    assert probes["readinessProbe"]["path"] == "/health/readiness"
    for probe in probes.values():
        assert probe["path"] in served
        assert probe["port"] == "http"


def test_every_variable_is_a_setting_and_secrets_come_only_from_the_secret(release: Release) -> None:
    secret_name = next(iter(secret_refs(release.container).values()))["name"]
    known = known_settings()
    pods = [release.pod, *(job["spec"]["template"]["spec"] for job in release.all("Job"))]
    for pod in pods:
        (container,) = pod["containers"]
        from_secret = secret_refs(container)
        literal = {e["name"] for e in container["env"] if "value" in e}
        assert set(from_secret) <= SECRETS and {"DATABASE_URL", "SESSION_SECRET"} <= set(from_secret)
        assert all(ref == {"name": secret_name, "key": name} for name, ref in from_secret.items())
        assert set(from_secret) | literal <= known  # a misspelt variable would be silently ignored
        assert not SECRETS & literal
    assert set(release.config) <= known
    assert not SECRETS & set(release.config)


def test_the_migration_job_has_the_same_settings_as_the_pods(defaults: Release) -> None:
    (job,) = defaults.all("Job")
    (container,) = job["spec"]["template"]["spec"]["containers"]
    assert job["metadata"]["annotations"]["helm.sh/hook"] == "pre-install,pre-upgrade"
    assert container["command"] == ["passport", "migrate"]
    assert container["image"] == defaults.container["image"]
    assert {e["name"]: e["value"] for e in container["env"] if "value" in e} == defaults.config
    assert secret_refs(container) == secret_refs(defaults.container)


def test_the_default_configuration_passes_the_production_checks(defaults: Release,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    assert secret_refs(defaults.container).keys() == SECRETS
    for name, value in defaults.config.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("DATABASE_URL", "postgresql+asyncpg://passport@db/passport")
    monkeypatch.setenv("SESSION_SECRET", "a-real-secret-from-the-cluster")
    monkeypatch.setenv("FIRST_TIME_CODE_KEY", "another-real-secret-from-the-cluster")
    monkeypatch.setenv("PYF_ONE_LOGIN_CLIENT_SECRET", "the-one-login-client-secret")
    settings = Settings()
    assert settings.is_production and settings.metrics_enabled and not settings.read_only
    assert not settings.uses_dev_identity and not settings.free_form_documents_allowed
    assert settings.port == int(instruction("EXPOSE"))
    LeaverPagesSettings(production=settings.is_production)


@pytest.mark.skipif(not os.environ.get("PASSPORT_TEST_POSTGRES_URL"),
                    reason="the migration job needs Postgres (PASSPORT_TEST_POSTGRES_URL); production refuses SQLite")
async def test_the_migration_jobs_command_and_settings_migrate_a_fresh_postgres(defaults: Release,
                                                                                tmp_path: Path) -> None:
    import asyncpg

    from tests.support.databases import prepare_database

    database_url = await prepare_database("postgres", tmp_path)
    (job,) = defaults.all("Job")
    (container,) = job["spec"]["template"]["spec"]["containers"]
    secrets = {"DATABASE_URL": database_url, "SESSION_SECRET": "s" * 32, "FIRST_TIME_CODE_KEY": "k" * 32,
               "REDIS_URL": "redis://127.0.0.1:6379/0", "PYF_ONE_LOGIN_CLIENT_SECRET": "c" * 32}
    env = {"PATH": os.environ["PATH"],
           **{e["name"]: e.get("value") or secrets[e["name"]] for e in container["env"]}}
    program, *arguments = container["command"]
    assert program == "passport"  # the console script; run here through its module
    process = await asyncio.create_subprocess_exec(sys.executable, "-m", "gateway.cli", *arguments, env=env,
                                                   cwd=ROOT, stdout=asyncio.subprocess.PIPE,
                                                   stderr=asyncio.subprocess.STDOUT)
    output, _ = await process.communicate()
    assert process.returncode == 0, output.decode()
    connection = await asyncpg.connect(database_url.replace("postgresql+asyncpg://", "postgresql://"))
    try:
        assert await connection.fetchval("SELECT count(*) FROM alembic_version") == 1
        assert await connection.fetchval("SELECT to_regclass('public.pathway_status') IS NOT NULL")
    finally:
        await connection.close()


def test_shutdown_fits_in_the_termination_grace_period(release: Release) -> None:
    pre_stop = int(release.container["lifecycle"]["preStop"]["exec"]["command"][-1])
    app_grace = float(release.config["SHUTDOWN_GRACE_SECONDS"])
    assert pre_stop > 0
    assert pre_stop + app_grace < release.pod["terminationGracePeriodSeconds"]


def test_a_changed_setting_rolls_the_pods(defaults: Release) -> None:
    changed = render({"config": {"LOG_LEVEL": "DEBUG"}})
    annotation = "checksum/config"
    before = defaults.one("Deployment")["spec"]["template"]["metadata"]["annotations"][annotation]
    assert changed.one("Deployment")["spec"]["template"]["metadata"]["annotations"][annotation] != before


# Scale, disruption and network


def test_replicas_scale_on_load_and_survive_disruption(release: Release) -> None:
    deployment, pod_labels = release.one("Deployment"), release.pod_labels
    assert selects(deployment["spec"]["selector"]["matchLabels"], pod_labels)
    assert deployment["spec"]["strategy"]["rollingUpdate"]["maxUnavailable"] == 0
    hpas = release.all("HorizontalPodAutoscaler")
    if hpas:
        (hpa,) = hpas
        assert "replicas" not in deployment["spec"]  # the HPA owns the count; an upgrade must not reset it
        assert hpa["spec"]["scaleTargetRef"] == {"apiVersion": "apps/v1", "kind": "Deployment",
                                                 "name": deployment["metadata"]["name"]}
        assert 2 <= hpa["spec"]["minReplicas"] <= hpa["spec"]["maxReplicas"]
        fewest = hpa["spec"]["minReplicas"]
    else:
        fewest = deployment["spec"]["replicas"]
        assert fewest == SECOND["replicaCount"]
    pdb = release.one("PodDisruptionBudget")
    assert selects(pdb["spec"]["selector"]["matchLabels"], pod_labels)
    assert pdb["spec"]["minAvailable"] < fewest  # a node drain can always proceed
    for job in release.all("Job"):  # a migration pod is neither served, protected nor admitted as a replica
        job_labels = job["spec"]["template"]["metadata"]["labels"]
        assert not selects(pdb["spec"]["selector"]["matchLabels"], job_labels)
        assert not selects(release.one("Service")["spec"]["selector"], job_labels)


def test_a_single_replica_gets_no_disruption_budget() -> None:
    single = render({"replicaCount": 1, "autoscaling": {"enabled": False}})
    assert single.one("Deployment")["spec"]["replicas"] == 1
    assert single.all("PodDisruptionBudget") == []


def test_the_service_and_the_network_policy_reach_the_apps_port(release: Release) -> None:
    (port,) = release.container["ports"]
    assert port["name"] == "http"
    assert release.config["PORT"] == str(port["containerPort"])
    service = release.one("Service")
    assert selects(service["spec"]["selector"], release.pod_labels)
    (service_port,) = service["spec"]["ports"]
    assert service_port["targetPort"] == port["name"]
    policy = release.one("NetworkPolicy")
    assert selects(policy["spec"]["podSelector"]["matchLabels"], release.pod_labels)
    (rule,) = policy["spec"]["ingress"]
    assert rule["ports"] == [{"port": port["containerPort"], "protocol": "TCP"}]
    assert all("namespaceSelector" in source for source in rule["from"])


def test_the_service_monitor_scrapes_the_apps_metrics_through_the_service(release: Release) -> None:
    monitors = release.all("ServiceMonitor")
    if not monitors:
        return
    (monitor,) = monitors
    served = {route.path for route in create_app(Settings()).routes}  # type: ignore[attr-defined]
    service = release.one("Service")
    assert selects(monitor["spec"]["selector"]["matchLabels"], service["metadata"]["labels"])
    (endpoint,) = monitor["spec"]["endpoints"]
    assert endpoint["port"] == service["spec"]["ports"][0]["name"]
    assert endpoint["path"] == "/metrics" and endpoint["path"] in served
    assert monitor["metadata"]["labels"]["release"] == "prometheus"


def test_the_notes_name_the_secret_to_create(release: Release) -> None:
    secret_name = next(iter(secret_refs(release.container).values()))["name"]
    assert f'"{secret_name}"' in release.notes
    assert "/health/readiness" in release.notes


# The pod against the image


def test_the_pods_run_as_the_images_non_root_user_with_nothing_extra(release: Release) -> None:
    pods = [release.pod, *(job["spec"]["template"]["spec"] for job in release.all("Job"))]
    for pod in pods:
        assert pod["securityContext"]["runAsNonRoot"] is True
        assert str(pod["securityContext"]["runAsUser"]) == instruction("USER")
        assert pod["automountServiceAccountToken"] is False
        (container,) = pod["containers"]
        assert container["securityContext"] == {"allowPrivilegeEscalation": False, "readOnlyRootFilesystem": True,
                                                "privileged": False, "capabilities": {"drop": ["ALL"]}}
        assert "memory" in container["resources"]["limits"]
        assert {"name": "tmp", "mountPath": "/tmp"} in container["volumeMounts"]


def test_the_default_port_is_the_images_port(defaults: Release) -> None:
    assert defaults.container["ports"][0]["containerPort"] == int(instruction("EXPOSE")) == int(image_env()["PORT"])
    assert defaults.container["image"].endswith(":0.1.0")  # empty tag means the chart's appVersion


def test_the_dockerfile_is_multi_stage_slim_non_root_and_checks_its_health() -> None:
    stages = re.findall(r"^FROM (\S+)", dockerfile(), re.MULTILINE)
    assert len(stages) >= 2 and stages[-1].endswith("-slim")
    assert instruction("USER") != "0" and "root" not in instruction("USER")
    served = {route.path for route in create_app(Settings()).routes}  # type: ignore[attr-defined]
    health = re.search(r"http://127\.0\.0\.1:(\d+)(/[\w/]+)", instruction("HEALTHCHECK"))
    assert health and health.group(1) == instruction("EXPOSE") and health.group(2) in served
    assert instruction("CMD") == '["passport", "serve"]'
    assert image_env()["ENVIRONMENT"] == "production"


def test_the_image_runs_the_code_beside_the_web_assets_it_installed() -> None:
    # The app finds web_clients/node_modules beside its packages; a wheel install in the venv lacks the fonts.
    from gateway import explorer

    assert explorer.NODE_MODULES == ROOT / "web_clients" / "node_modules"
    code_root = image_env()["PYTHONPATH"]
    assert instruction("WORKDIR") == code_root
    copies = re.findall(r"^COPY --from=assets (\S+) (\S+)$", dockerfile(), re.MULTILINE)
    assert ("/src/web_clients/node_modules", f"{code_root}/web_clients/node_modules") in copies
