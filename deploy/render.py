"""What Docker Compose and the nginx image do with deploy/'s files, without Docker: read an env
file, interpolate compose.yaml's ${...}, render an nginx template as the image's envsubst step
does. The tests check the deployment with it; an operator running nginx on the host renders
the template with it:

    NGINX_SERVER_NAME=foxreviews.example.org ... python deploy/render.py \
        deploy/nginx/templates/default.conf.template > /etc/nginx/conf.d/foxreviews.conf
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

DEPLOY = Path(__file__).resolve().parent
# ${NAME}, ${NAME:-default}, ${NAME-default}, ${NAME:?error}, ${NAME?error}; $$ is a dollar
_COMPOSE_VARIABLE = re.compile(
    r"\$\$|\$\{(?P<name>[A-Za-z_][A-Za-z0-9_]*)(?:(?P<op>:?[-?])(?P<arg>[^}]*))?\}"
)
_TEMPLATE_VARIABLE = re.compile(r"\$\{(NGINX_[A-Z0-9_]+)\}")


class MissingVariable(ValueError):
    pass


def read_env_file(path: Path) -> dict[str, str]:
    """KEY=VALUE lines (compose's env file format, without quotes or interpolation: ours needs
    none); blank lines and # comments skipped."""
    values = {}
    for number, line in enumerate(path.read_text().splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if "=" not in line:
            raise ValueError(f"{path}:{number}: not KEY=VALUE: {line!r}")
        key, value = line.split("=", 1)
        values[key.strip()] = value.strip()
    return values


def interpolate(value: str, env: dict[str, str]) -> str:
    """compose.yaml's ${...} in one value, as Docker Compose resolves them from .env."""

    def replace(match: re.Match) -> str:
        if match.group(0) == "$$":
            return "$"
        name, op, arg = match.group("name"), match.group("op"), match.group("arg")
        present = name in env and (env[name] != "" or op in (None, "-", "?"))
        if op in (":-", "-"):
            return env[name] if present else arg
        if op in (":?", "?") and not present:
            raise MissingVariable(f"{name}: {arg}")
        return env.get(name, "")

    return _COMPOSE_VARIABLE.sub(replace, value)


def interpolated(node, env: dict[str, str]):
    """A whole parsed compose.yaml (or part of it) with every string interpolated."""
    if isinstance(node, dict):
        return {key: interpolated(value, env) for key, value in node.items()}
    if isinstance(node, list):
        return [interpolated(value, env) for value in node]
    return interpolate(node, env) if isinstance(node, str) else node


def service_environment(compose: dict, service: str, env_file: dict[str, str]) -> dict[str, str]:
    """What a container of `service` gets: the env file, then its `environment` (already
    interpolated: see `interpolated`)."""
    environment = compose["services"][service].get("environment") or {}
    return {**env_file, **{key: str(value) for key, value in environment.items()}}


def render_template(text: str, variables: dict[str, str]) -> str:
    """The nginx image's envsubst step for our templates: every ${NGINX_...} replaced (a missing
    one is an error here, where envsubst would leave it for nginx to choke on); nginx's own
    $variables untouched."""
    missing = sorted({name for name in _TEMPLATE_VARIABLE.findall(text) if name not in variables})
    if missing:
        raise MissingVariable(", ".join(missing))
    return _TEMPLATE_VARIABLE.sub(lambda m: variables[m.group(1)], text)


if __name__ == "__main__":
    for template in sys.argv[1:]:
        sys.stdout.write(render_template(Path(template).read_text(), dict(os.environ)))
