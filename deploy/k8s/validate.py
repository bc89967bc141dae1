"""Validate the deployment files offline: `python deploy/k8s/validate.py` (run by `make lint`).

- Kubernetes manifests (deploy/k8s/*.yaml) against the API schemas that the
  kubernetes-validate package ships (strict: unknown fields are errors), for every
  Kubernetes version in KUBERNETES_VERSIONS.
- The compose file (deploy/container/compose.yaml) with the compose-spec package (the
  compose_spec parser: unknown keys and bad values are errors), after interpolating
  `${VAR}`, `${VAR:-default}` and `${VAR:?message}` with EXAMPLE_ENV as compose would.

Prints one line per file and exits 1 if any is invalid.
"""

import re
import sys
from pathlib import Path
from typing import Any

import kubernetes_validate
import yaml
from compose_spec import PyOptions

DEPLOY = Path(__file__).resolve().parent.parent
KUBERNETES_VERSIONS = ("1.30.0", "1.33.0")
# Values a real deployment passes in its .env: only their shape matters here.
EXAMPLE_ENV = {
    "DJANGO_SECRET_KEY": "example-secret",
    "DJANGO_ALLOWED_HOSTS": "311.example.org",
    "POSTGRES_PASSWORD": "example-password",
}
_VARIABLE = re.compile(r"\$\{(?P<name>\w+)(?:(?P<op>:?[-?])(?P<arg>[^}]*))?\}")


def interpolate(text: str, env: dict[str, str]) -> str:
    def value(match: re.Match[str]) -> str:
        name, op, arg = match["name"], match["op"], match["arg"] or ""
        if name in env and (env[name] or not (op or "").startswith(":")):
            return env[name]
        if op and op.endswith("?"):
            raise ValueError(f"{name} must be set: {arg}")
        return arg if op else ""

    # "$$" is a literal dollar sign; keep it apart from interpolation.
    return "$".join(_VARIABLE.sub(value, part) for part in text.split("$$"))


def kubernetes_errors(path: Path) -> list[str]:
    errors = []
    for number, document in enumerate(yaml.safe_load_all(path.read_text())):
        if document is None:
            continue
        for version in KUBERNETES_VERSIONS:
            try:
                kubernetes_validate.validate(document, version, strict=True)
            except kubernetes_validate.ValidationError as exc:
                where = "/".join(str(part) for part in exc.path)
                kind = document.get("kind")
                errors.append(f"document {number} ({kind}) k8s {version}: {where}: {exc.message}")
            except kubernetes_validate.utils.SchemaNotFoundError as exc:
                errors.append(f"document {number} k8s {version}: no schema: {exc}")
    return errors


def compose_errors(path: Path) -> list[str]:
    try:
        compose = PyOptions(apply_merge=True).from_yaml(interpolate(path.read_text(), EXAMPLE_ENV))
        compose.validate()
    except ValueError as exc:
        return [str(exc)]
    return []


def check(paths: dict[Path, Any]) -> int:
    failed = 0
    for path, find_errors in paths.items():
        errors = find_errors(path)
        print(f"{'FAIL' if errors else 'ok  '} {path.relative_to(DEPLOY.parent)}")
        for error in errors:
            print(f"     {error}")
        failed += bool(errors)
    return failed


def main() -> int:
    files: dict[Path, Any] = dict.fromkeys(
        sorted((DEPLOY / "k8s").glob("*.yaml")), kubernetes_errors
    )
    files[DEPLOY / "container" / "compose.yaml"] = compose_errors
    return 1 if check(files) else 0


if __name__ == "__main__":
    sys.exit(main())
