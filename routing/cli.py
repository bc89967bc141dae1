"""python -m routing learn | evaluate | explain | validate: the engine on any city's data."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import datetime
from pathlib import Path

from routing.engine import Router
from routing.geo import AreaIndex, load_area_files
from routing.history import read_history
from routing.learn import (
    DEFAULT_ADOPT_AFTER,
    DEFAULT_CELL_SIZES,
    evaluate,
    learn,
    load_bundle,
    save_bundle,
    validate,
)
from routing.model import RoutingInput


def _areas(paths: list[Path] | None, tolerance: float) -> AreaIndex | None:
    if not paths:
        return None
    return AreaIndex(load_area_files(paths), tolerance_m=tolerance)


def _add_areas(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--areas", type=Path, nargs="*", default=[], help="GeoJSON files")
    parser.add_argument(
        "--tolerance", type=float, default=30.0, help="metres outside a boundary still inside"
    )


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m routing", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    p = commands.add_parser("learn", help="build a rule set from history")
    p.add_argument("--history", type=Path, required=True)
    p.add_argument("--out", type=Path, required=True)
    p.add_argument("--triage", default="311", help="the department that gets what no rule owns")
    p.add_argument(
        "--cell-sizes",
        type=float,
        nargs="*",
        default=list(DEFAULT_CELL_SIZES),
        help="grid squares in degrees",
    )
    p.add_argument(
        "--adopt-after",
        type=int,
        default=DEFAULT_ADOPT_AFTER,
        help="adopt a new owner after this many consistent outcomes (0: only propose)",
    )
    _add_areas(p)

    p = commands.add_parser("evaluate", help="route history in time order and score it")
    p.add_argument("--rules", type=Path, required=True)
    p.add_argument("--history", type=Path, required=True)
    p.add_argument("--online", action="store_true", help="learn each true owner after deciding")
    _add_areas(p)

    p = commands.add_parser("explain", help="the decision and its reasons for one request")
    p.add_argument("--rules", type=Path, required=True)
    p.add_argument("--service", default="")
    p.add_argument("--subtype", default="")
    p.add_argument("--details", default="")
    p.add_argument("--description", default="")
    p.add_argument("--lat", type=float)
    p.add_argument("--lon", type=float)
    p.add_argument("--address", default="")
    p.add_argument("--zipcode", default="")
    p.add_argument("--channel", default="")
    p.add_argument("--at", type=datetime.fromisoformat, default=None, help="ISO time")
    p.add_argument("--attr", action="append", default=[], metavar="CODE=VALUE")
    p.add_argument("--exclude", action="append", default=[], metavar="DEPARTMENT")
    _add_areas(p)

    p = commands.add_parser("validate", help="report overlapping, unreachable and missing rules")
    p.add_argument("--rules", type=Path, required=True)
    p.add_argument("--services", nargs="*", default=[], help="service codes that need an owner")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        return _run(args)
    except (OSError, ValueError, KeyError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


def _run(args: argparse.Namespace) -> int:
    if args.command == "learn":
        history = read_history(args.history)
        learned = learn(
            history,
            areas=_areas(args.areas, args.tolerance),
            triage_department=args.triage,
            cell_sizes=args.cell_sizes,
            adopt_after=args.adopt_after,
        )
        save_bundle(args.out, learned)
        print(
            json.dumps(
                {
                    "rules": len(learned.rules),
                    "learned_from": len(history),
                    "classifier": learned.classifier is not None,
                    "out": str(args.out),
                }
            )
        )
        return 0
    if args.command == "evaluate":
        bundle = load_bundle(args.rules)
        router = Router(
            bundle.rules, areas=_areas(args.areas, args.tolerance), classifier=bundle.classifier
        )
        print(json.dumps(evaluate(router, read_history(args.history), online=args.online)))
        return 0
    if args.command == "explain":
        bundle = load_bundle(args.rules)
        router = Router(
            bundle.rules, areas=_areas(args.areas, args.tolerance), classifier=bundle.classifier
        )
        attributes = dict(item.split("=", 1) for item in args.attr)
        request = RoutingInput(
            received_at=args.at or datetime.now().astimezone(),
            service=args.service,
            subtype=args.subtype,
            details=args.details,
            description=args.description,
            lat=args.lat,
            lon=args.lon,
            address=args.address,
            zipcode=args.zipcode,
            channel=args.channel,
            attributes=attributes,
        )
        decision = router.route(request, exclude=args.exclude)
        for reason in decision.reasons:
            print(reason)
        print(json.dumps(decision.as_dict()))
        return 0
    bundle = load_bundle(args.rules)
    report = validate(bundle.rules, services=args.services)
    for kind, problems in report.items():
        for problem in problems:
            print(f"{kind}: {problem}")
    print(json.dumps({kind: len(problems) for kind, problems in report.items()}))
    return 1 if any(report.values()) else 0
