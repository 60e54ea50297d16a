"""The development stack: the four stub legacy systems and the two stub identity providers.

Development and tests only; production settings point at the real systems and refuse these.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from aiohttp import web

from fixtures.idp import hmpps_auth, one_login
from fixtures.idp.personas import DEMO_LEAVER, default_staff_personas
from fixtures.population import DEFAULT_SEED, Population, build_population
from fixtures.stubs import DEFAULT_PORTS, legacy_apps

IDP_PORTS = {"hmpps-auth": 8090, "one-login": 8091}
POPULATION_MARKER = Path("var/population.json")
DEFAULT_PEOPLE = 4000


@dataclass(frozen=True, slots=True)
class PopulationSpec:
    seed: int = DEFAULT_SEED
    people: int = DEFAULT_PEOPLE

    def build(self) -> Population:
        return build_population(seed=self.seed, people=self.people)


def remembered_population(marker: Path = POPULATION_MARKER) -> PopulationSpec:
    """The population last chosen with `passport seed --people N`, so the stubs serve the same people."""
    if marker.is_file():
        data = json.loads(marker.read_text(encoding="utf-8"))
        return PopulationSpec(seed=int(data["seed"]), people=int(data["people"]))
    return PopulationSpec()


def remember_population(spec: PopulationSpec, marker: Path = POPULATION_MARKER) -> None:
    marker.parent.mkdir(parents=True, exist_ok=True)
    marker.write_text(json.dumps({"seed": spec.seed, "people": spec.people}), encoding="utf-8")


def identity_apps() -> dict[str, web.Application]:
    return {
        "hmpps-auth": hmpps_auth.create_app(default_staff_personas()),
        "one-login": one_login.create_app({DEMO_LEAVER.subject: DEMO_LEAVER}),
    }


def dev_apps(population: Population, *, with_identity: bool = True) -> dict[str, web.Application]:
    apps = legacy_apps(population)
    if with_identity:
        apps.update(identity_apps())
    return apps


def dev_ports(*, ephemeral: bool = False) -> dict[str, int]:
    ports = {**DEFAULT_PORTS, **IDP_PORTS}
    return dict.fromkeys(ports, 0) if ephemeral else ports
