"""Checks deploy/compose.yaml without Docker: against the Compose Specification's JSON
Schema (tests/schemas/compose-spec.json), then for what the schema cannot see: every
build context, Dockerfile and bind-mounted file exists, every service it depends on
is defined, and every backend host of the VCL is one of its services.

    python3 tests/clients/compose_check.py
"""

import json
import re
import sys
from pathlib import Path

import jsonschema_rs
import yaml

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = ROOT / "deploy/compose.yaml"


def main():
    compose = yaml.safe_load(COMPOSE.read_text())
    schema = json.loads((ROOT / "tests/schemas/compose-spec.json").read_text())
    errors = [f"{'/'.join(map(str, e.instance_path))}: {e.message}"
              for e in jsonschema_rs.validator_for(schema).iter_errors(compose)]
    here = COMPOSE.parent
    services = compose["services"]
    for name, service in services.items():
        build = service.get("build")
        if isinstance(build, dict):
            context = (here / build.get("context", ".")).resolve()
            dockerfile = context / build.get("dockerfile", "Dockerfile")
            if not dockerfile.is_file():
                errors.append(f"{name}: no Dockerfile at {dockerfile}")
        for volume in service.get("volumes", []):
            source = volume.split(":")[0] if isinstance(volume, str) else volume.get("source", "")
            if source.startswith((".", "/")) and not (here / source).exists():
                errors.append(f"{name}: no file {source} to mount")
            elif source and not source.startswith((".", "/")) and source not in compose.get("volumes", {}):
                errors.append(f"{name}: volume {source} is not declared")
        depends = service.get("depends_on", [])
        for other in depends if isinstance(depends, list) else depends.keys():
            if other not in services:
                errors.append(f"{name}: depends on {other}, which is not a service")
        image = service.get("image")
        if not build and image and not any(s.get("image") == image and s.get("build") for s in services.values()):
            errors.append(f"{name}: image {image} is built by no service")
    vcl = (here / "varnish/default.vcl").read_text()
    for host in re.findall(r'\.host = "([^"]+)";', vcl):
        if host not in services:
            errors.append(f"the VCL's backend host {host} is not a service")
    for error in errors:
        print(f"deploy/compose.yaml: {error}", file=sys.stderr)
    if errors:
        sys.exit(1)
    print(f"deploy/compose.yaml: valid, {len(services)} services")


if __name__ == "__main__":
    main()
