"""The ``passport`` command: serve, stubs, seed, migrate, token, schema export and bench."""

from __future__ import annotations

import argparse
import asyncio
import ctypes
import gc
import json
import os
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Sequence

from gateway.settings import Environment, Settings

PERSONAS_HELP = "prison-staff, probation-staff, prison-leader, leaver, integrator, admin"
M_ARENA_MAX = -8  # glibc's mallopt option
MALLOC_ARENAS = 2


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="passport", description="Resettlement Passport gateway")
    commands = parser.add_subparsers(dest="command", required=True)

    serve = commands.add_parser("serve", help="run the gateway (in dev, with the stub systems and identity)")
    serve.add_argument("--host", default=None)
    serve.add_argument("--port", type=int, default=None)
    serve.add_argument("--no-stubs", action="store_true", help="do not start the stub systems in dev")

    stubs = commands.add_parser("stubs", help="run only the four stub legacy systems, in the foreground")
    stubs.add_argument("--people", type=int, default=None)
    stubs.add_argument("--identity", action="store_true", help="also run the stub identity providers")
    stubs.add_argument("--ephemeral", action="store_true", help="pick free ports instead of 8081-8084")
    stubs.add_argument("--latency-ms", type=int, default=0, help="added to every call to the four systems")
    stubs.add_argument("--jitter-ms", type=int, default=0, help="plus a uniform random 0..N ms")

    bench = commands.add_parser("bench", help="benchmark the workloads against the floor and the naive baseline")
    bench.add_argument("--quick", action="store_true", help="fewer requests per run")
    bench.add_argument("--soak", action="store_true", help="also run the soak (10 minutes by default)")
    bench.add_argument("--soak-seconds", type=float, default=600.0)
    bench.add_argument("--people", type=int, default=4000, help="population size (default 4000)")
    bench.add_argument("--requests", type=int, default=None, help="requests per run (overrides --quick)")
    bench.add_argument("--zero-latency-only", action="store_true", help="skip the 20 ms runs")
    bench.add_argument("--out", default="benchmarks/reports", help="where latest.json/.md/.svg go")
    bench.add_argument("--only", default=None, help="comma-separated workload keys or prefixes, e.g. W1,W3")
    bench.add_argument("--postgres-url", default=None,
                       help="a Postgres server for the national phase (default $PASSPORT_BENCH_POSTGRES_URL)")
    bench.add_argument("--national-people", type=int, default=90_000,
                       help="population of the national phase (default 90000)")

    seed = commands.add_parser("seed", help="migrate and seed the database with demo data")
    seed.add_argument("--people", type=int, default=None, help="population size (default 4000)")
    seed.add_argument("--reset", action="store_true", help="delete our demo data first")

    commands.add_parser("migrate", help="apply database migrations")

    token = commands.add_parser("token", help="print a bearer token for a demo persona")
    token.add_argument("persona", help=PERSONAS_HELP)

    schema = commands.add_parser("schema", help="schema tools")
    schema.add_argument("action", choices=["export"])

    args = parser.parse_args(argv)
    settings = Settings()
    handler = {"serve": _serve, "stubs": _stubs, "seed": _seed, "migrate": _migrate, "token": _token,
               "schema": _schema, "bench": _bench}[args.command]
    return handler(settings, args)


def quiet_collector() -> None:
    """Keep the cyclic garbage collector off what lives for the whole process.

    Everything built so far (modules, the schema and its five contracts, the app) lives as long as the process,
    yet every full collection walked all of it again. Frozen, it is left out; objects still die by reference
    counting as before. (Collecting the youngest generation less often saved a little more CPU, but during an
    nDelius outage the failed requests' exceptions and frames then waited longer to be freed, and the soak's
    resident memory settled 120 MiB higher: the thresholds are left as they are.)
    """
    gc.collect()
    gc.freeze()


def few_malloc_arenas() -> None:
    """Keep glibc's malloc to ``MALLOC_ARENAS`` arenas, unless the operator set ``MALLOC_ARENA_MAX``.

    glibc gives threads arenas of their own, up to eight per core. The database threads (one per SQLite
    connection, coming and going with the pool's overflow) allocate rows there and the event loop frees them;
    each arena kept its own scattered free memory, and in a three-minute soak resident memory crept up 8 to 10%
    after warm-up while Python's own heap stayed flat. With two arenas it stayed within 2.5% and ended 40 MiB
    lower, at the same throughput. Call it before any thread starts.
    """
    if "MALLOC_ARENA_MAX" in os.environ or "arena_max" in os.environ.get("GLIBC_TUNABLES", ""):
        return
    if "CS_GNU_LIBC_VERSION" in getattr(os, "confstr_names", {}):  # glibc only (not musl, not macOS)
        ctypes.CDLL(None).mallopt(M_ARENA_MAX, MALLOC_ARENAS)


def _serve(settings: Settings, args: argparse.Namespace) -> int:
    few_malloc_arenas()
    import uvicorn

    from gateway.app import create_app
    from gateway.devstack import dev_apps, dev_ports, remembered_population

    overrides = {k: v for k, v in {"host": args.host, "port": args.port}.items() if v is not None}
    settings = settings.model_copy(update=overrides)
    stack = None
    if settings.environment is not Environment.PRODUCTION and not args.no_stubs:
        from fixtures.stubs.runner import AppStack

        spec = remembered_population()
        started = time.monotonic()
        population = spec.build()
        asyncio.run(_seed_quietly(settings, population))
        from fixtures.population import person_on_licence_with_appointments

        example = person_on_licence_with_appointments(population).prisoner_number
        if settings.explorer_example_prisoner_number is None:
            settings = settings.model_copy(update={"explorer_example_prisoner_number": example})
        stack = AppStack(dev_apps(population), dev_ports())
        stack.start()
        print(f"stub systems up in {time.monotonic() - started:.1f}s ({spec.people} people):", flush=True)
        for name, url in stack.urls.items():
            print(f"  {name:<13} {url}", flush=True)
    print(f"gateway on http://{settings.host}:{settings.port}  (explorer: /graphql)", flush=True)
    app = create_app(settings)
    quiet_collector()
    try:
        uvicorn.run(app, host=settings.host, port=settings.port, log_level="info",
                    access_log=False, timeout_graceful_shutdown=int(settings.shutdown_grace_seconds))
    finally:
        if stack is not None:
            stack.stop()
    return 0


async def _seed_quietly(settings: Settings, population: object) -> None:
    from fixtures.seed import seed_database
    from sources.store.db import Database

    database = Database(settings.database_url)
    try:
        await seed_database(database, population)  # type: ignore[arg-type]
    finally:
        await database.dispose()


def _stubs(settings: Settings, args: argparse.Namespace) -> int:
    from fixtures.stubs import legacy_apps
    from fixtures.stubs.runner import AppStack
    from gateway.devstack import PopulationSpec, dev_ports, identity_apps, remembered_population

    spec = remembered_population() if args.people is None else PopulationSpec(people=args.people)
    from fixtures.stubs import Faults

    delay = Faults(latency_ms=args.latency_ms, jitter_ms=args.jitter_ms)
    apps = legacy_apps(spec.build(), faults=dict.fromkeys(("nomis", "delius", "licences", "appointments"), delay))
    if args.identity:
        apps.update(identity_apps())
    ports = {name: port for name, port in dev_ports(ephemeral=args.ephemeral).items() if name in apps}
    with AppStack(apps, ports) as stack:
        for name, url in stack.urls.items():
            print(f"{name:<13} {url}", flush=True)
        print("stub systems running; Ctrl-C to stop", flush=True)
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            pass
    return 0


def _seed(settings: Settings, args: argparse.Namespace) -> int:
    from fixtures.seed import seed_database
    from gateway.devstack import PopulationSpec, remember_population, remembered_population
    from sources.store.db import Database

    spec = remembered_population() if args.people is None else PopulationSpec(people=args.people)
    started = time.monotonic()
    population = spec.build()

    async def run() -> int:
        database = Database(settings.database_url)
        try:
            return await seed_database(database, population, reset=args.reset or args.people is not None)
        finally:
            await database.dispose()

    written = asyncio.run(run())
    remember_population(spec)
    print(f"seeded {written} pathway statuses for {len(population.people)} people in "
          f"{len(population.by_prison)} prisons ({time.monotonic() - started:.1f}s)")
    return 0


def _migrate(settings: Settings, _args: argparse.Namespace) -> int:
    from sources.store.db import Database

    async def run() -> None:
        database = Database(settings.database_url)
        try:
            await database.migrate()
        finally:
            await database.dispose()

    asyncio.run(run())
    print("database is at the latest migration")
    return 0


def _token(settings: Settings, args: argparse.Namespace) -> int:
    if args.persona == "leaver":
        from fixtures.idp.personas import DEMO_LEAVER

        url, body = f"{settings.one_login_url}/dev/token", {"subject": DEMO_LEAVER.subject}
    else:
        url, body = f"{settings.hmpps_auth_url}/auth/dev/token", {"persona": args.persona}
    request = urllib.request.Request(url, data=json.dumps(body).encode(), method="POST",
                                     headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            print(json.loads(response.read())["access_token"])
    except urllib.error.HTTPError as error:
        print(f"the identity stub refused persona {args.persona!r} (HTTP {error.code}); "
              f"personas: {PERSONAS_HELP}", file=sys.stderr)
        return 2
    except (urllib.error.URLError, OSError):
        print(f"no identity stub at {url}: start the service first with `make run`", file=sys.stderr)
        return 2
    return 0


def _bench(_settings: Settings, args: argparse.Namespace) -> int:
    from benchmarks.harness import Options, run

    return run(Options.from_args(args))


def _schema(_settings: Settings, _args: argparse.Namespace) -> int:
    from schema import export_sdl

    sys.stdout.write(export_sdl())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
