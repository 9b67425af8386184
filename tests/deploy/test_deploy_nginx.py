"""deploy/nginx's template, rendered as the nginx image renders it (deploy/render.py), checked by
Debian's nginx (`make test-tools` installs it): `nginx -t`, then nginx in front of the image's web
command line, over TLS: HTTP (X-Request-ID passed through), static files, /metrics refused at the
edge, a websocket, and the platform's event stream (/api/realtime/events/, through the events
upstream) unbuffered: an event published while the stream is open arrives at once."""

import http.client
import json
import os
import re
import shutil
import signal
import ssl
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml
from django.conf import settings
from prometheus_client.parser import text_string_to_metric_families
from rest_framework.authtoken.models import Token
from websockets.sync.client import connect

from deploy.render import interpolated, read_env_file, render_template, service_environment
from foxreviews.core.tests.webserver import web_process
from foxreviews.realtime.services import publish
from foxreviews.realtime.streams import stream_name
from foxreviews.runtime.ports import free_port
from foxreviews.users.models import User

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"
TEMPLATE = DEPLOY / "nginx" / "templates" / "default.conf.template"
NGINX = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
HOST = "foxreviews.test"

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(NGINX is None, reason="nginx is missing: `make test-tools` installs it"),
]

# what the nginx image's own nginx.conf gives the templates, with this test's folders
MAIN_CONF = """{user}
worker_processes 1;
pid {folder}/nginx.pid;
error_log {folder}/error.log warn;
events {{ worker_connections 256; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    client_body_temp_path {folder}/body;
    proxy_temp_path {folder}/proxy;
    fastcgi_temp_path {folder}/fastcgi;
    uwsgi_temp_path {folder}/uwsgi;
    scgi_temp_path {folder}/scgi;
    include {folder}/conf.d/*.conf;
}}
"""


def _compose_nginx_variables() -> dict[str, str]:
    """The variables compose.yaml gives the nginx container, from .env.example."""
    compose = yaml.safe_load((DEPLOY / "compose.yaml").read_text())
    env_file = read_env_file(DEPLOY / ".env.example")
    environment = interpolated(compose, env_file)["services"]["nginx"]["environment"]
    return {name: str(value) for name, value in environment.items()}


def _render(folder: Path, **changes: str) -> Path:
    """nginx.conf and conf.d/ in `folder`: compose's variables, then `changes` (what only
    exists in a container: its ports, the web service's name, the certificate's folder)."""
    cert, key = folder / "fullchain.pem", folder / "privkey.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
         "-nodes", "-days", "2", "-subj", f"/CN={HOST}", "-keyout", key, "-out", cert],
        check=True, capture_output=True,
    )  # fmt: skip
    variables = {
        **_compose_nginx_variables(),
        "NGINX_TLS_CERTIFICATE": str(cert),
        "NGINX_TLS_CERTIFICATE_KEY": str(key),
        "NGINX_ACCESS_LOG": str(folder / "access.log"),
        "NGINX_STATIC_ROOT": str(folder / "static"),
        **changes,
    }
    (folder / "conf.d").mkdir()
    (folder / "static").mkdir()
    (folder / "conf.d" / "foxreviews.conf").write_text(
        render_template(TEMPLATE.read_text(), variables)
    )
    # as root, nginx's workers would otherwise run as `nobody`, who cannot read pytest's folders
    user = "user root;" if os.geteuid() == 0 else ""
    conf = folder / "nginx.conf"
    conf.write_text(MAIN_CONF.format(user=user, folder=folder))
    return conf


def test_the_rendered_configuration_passes_nginx_t(tmp_path):
    conf = _render(
        tmp_path, NGINX_HTTP_LISTEN=f"127.0.0.1:{free_port()}",
        NGINX_HTTPS_LISTEN=f"127.0.0.1:{free_port()}",
        NGINX_WEB_UPSTREAM="127.0.0.1:9", NGINX_EVENTS_UPSTREAM="127.0.0.1:9",
    )  # fmt: skip
    assert _compose_nginx_variables()["NGINX_WEB_UPSTREAM"] == "web:8000"
    done = subprocess.run(
        [NGINX, "-t", "-c", str(conf), "-p", str(tmp_path)], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert "syntax is ok" in done.stderr and "test is successful" in done.stderr
    assert "[warn]" not in done.stderr, done.stderr


def _https(port: int) -> http.client.HTTPSConnection:
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE  # the test's own certificate
    return http.client.HTTPSConnection("127.0.0.1", port, context=context, timeout=5)


def _get(port: int, path: str, **headers: str) -> tuple[http.client.HTTPResponse, bytes]:
    connection = _https(port)
    connection.request("GET", path, headers={"Host": HOST, **headers})
    response = connection.getresponse()
    return response, response.read()


@pytest.mark.django_db(transaction=True)
def test_nginx_in_front_of_the_web_process_proxies_http_a_websocket_and_events(tmp_path):
    user = User.objects.create_user("robot", password="pw-123456", role=User.Role.PRO)
    key = Token.objects.create(user=user).key
    compose = interpolated(
        yaml.safe_load((DEPLOY / "compose.yaml").read_text()),
        env_file := read_env_file(DEPLOY / ".env.example"),
    )
    command = compose["services"]["web"]["command"]
    assert command[-4:] == ["--host", "0.0.0.0", "--port", "8000"]  # noqa: S104 (the container)
    web_env = {
        **service_environment(compose, "web", env_file),
        # what differs from a container: this machine's data stores and folders, one worker
        "REDIS_URL": os.environ["REDIS_URL"],
        "DJANGO_SECRET_KEY": "x" * 50, "DJANGO_ALLOWED_HOSTS": f"{HOST},127.0.0.1",
        "FOXREVIEWS_VAR_DIR": str(tmp_path / "var"), "WEB_WORKERS": "1",
        "WEB_FORWARDED_ALLOW_IPS": "127.0.0.1", "LOG_LEVEL": "WARNING",
        "RATE_LIMIT_KEY_PREFIX": f"{settings.TEST_RUN_PREFIX}:limits",
        # the event streams this test publishes into; no heartbeat comment in between
        "REALTIME_REDIS_URL": settings.REALTIME_REDIS_URL,
        "REALTIME_KEY_PREFIX": settings.REALTIME_KEY_PREFIX,
        "REALTIME_SSE_HEARTBEAT_SECONDS": "60",
        "METRICS_ENABLED": "true",  # answered on loopback: nginx must still refuse it
    }  # fmt: skip
    del web_env["DATABASE_URL"]  # web_process gives the test database's
    nginx = None
    try:
        with web_process(
            [*command[:-4], "--host", "127.0.0.1", "--port", "{port}"], **web_env
        ) as web:
            # the image's HEALTHCHECK against it
            check = subprocess.run(
                [sys.executable, str(DEPLOY / "healthcheck.py")], capture_output=True, text=True,
                env={"PATH": os.environ["PATH"], "PORT": str(web),
                     "DJANGO_ALLOWED_HOSTS": f".{HOST}"},
            )  # fmt: skip
            assert check.returncode == 0, check.stderr
            http_port, https_port = free_port(), free_port()
            conf = _render(
                tmp_path, NGINX_HTTP_LISTEN=f"127.0.0.1:{http_port}",
                NGINX_HTTPS_LISTEN=f"127.0.0.1:{https_port}", NGINX_WEB_UPSTREAM=f"127.0.0.1:{web}",
                NGINX_EVENTS_UPSTREAM=f"127.0.0.1:{web}", NGINX_SERVER_NAME=HOST,
            )  # fmt: skip
            (tmp_path / "static" / "probe.css").write_text("body{color:#c60}")
            nginx = subprocess.Popen(
                [NGINX, "-c", str(conf), "-p", str(tmp_path), "-g", "daemon off;"],
                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True,
            )  # fmt: skip
            _wait_for(http_port, nginx)
            _check_http(http_port, https_port)
            _check_metrics(web, https_port)
            _check_websocket(https_port, key, user.pk)
            _check_events(https_port, key, user.pk, web)
    finally:
        if nginx is not None and nginx.poll() is None:
            os.killpg(nginx.pid, signal.SIGTERM)
            nginx.wait(timeout=10)


def _wait_for(http_port: int, nginx: subprocess.Popen) -> None:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        assert nginx.poll() is None, nginx.stderr.read().decode()
        try:
            connection = http.client.HTTPConnection("127.0.0.1", http_port, timeout=2)
            connection.request("GET", "/nginx-health")
            if connection.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.05)
    raise AssertionError("nginx did not answer")


def _check_http(http_port: int, https_port: int) -> None:
    plain = http.client.HTTPConnection("127.0.0.1", http_port, timeout=5)
    plain.request("GET", "/api/villes/?x=1", headers={"Host": HOST})
    redirect = plain.getresponse()
    assert (redirect.status, redirect.headers["Location"]) == (
        301, f"https://{HOST}/api/villes/?x=1"
    )  # fmt: skip

    response, body = _get(https_port, "/health/", **{"X-Request-ID": "deploy-test-42"})
    assert response.status == 200, body
    assert json.loads(body)["status"] == "ok"
    assert response.headers.get_all("X-Request-ID") == ["deploy-test-42"]
    # each security header once (the platform's own copies hidden), on every response
    assert response.headers.get_all("Strict-Transport-Security") == [
        "max-age=31536000; includeSubDomains; preload"
    ]
    assert response.headers.get_all("X-Content-Type-Options") == ["nosniff"]
    assert response.headers.get_all("Referrer-Policy") == ["same-origin"]
    assert response.headers["Content-Security-Policy"].startswith("default-src 'self'; ")
    # none sent, or not a token: nginx's own
    for headers in ({}, {"X-Request-ID": "two words"}):
        response, _ = _get(https_port, "/health/", **headers)
        assert re.fullmatch(r"[0-9a-f]{32}", response.headers["X-Request-ID"])

    response, body = _get(https_port, "/static/probe.css")
    assert (response.status, body) == (200, b"body{color:#c60}")
    assert response.headers["Content-Type"] == "text/css"
    assert response.headers["Cache-Control"] == "max-age=31536000"
    assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")

    # the platform answers behind it: a JSON 404 of the API, over HTTPS as the proxy says
    response, body = _get(https_port, "/api/nowhere/")
    assert response.status == 404 and json.loads(body)["message"]

    # a body over the upload limit (10 MiB + the multipart envelope) is refused before it is sent
    connection = _https(https_port)
    connection.putrequest("POST", "/api/imports/", skip_host=True)
    connection.putheader("Host", HOST)
    connection.putheader("Content-Length", str(11 * 1024 * 1024 + 1))
    connection.endheaders()
    assert connection.getresponse().status == 413

    # /api/auth/: 30 a minute per address, a burst of 10; then nginx's 429
    statuses = [_get(https_port, "/api/auth/nowhere/")[0].status for _ in range(13)]
    assert statuses[:11] == [404] * 11 and 429 in statuses[11:], statuses


def _check_websocket(https_port: int, key: str, user_id: int) -> None:
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    with connect(
        f"wss://127.0.0.1:{https_port}/ws/notifications/", ssl=context,
        additional_headers={"Authorization": f"Token {key}"}, open_timeout=5,
    ) as socket:  # fmt: skip
        assert json.loads(socket.recv(timeout=5)) == {
            "type": "hello",
            "groups": [f"user-{user_id}"],
        }


def _check_metrics(web: int, https_port: int) -> None:
    assert _scrape(web)["foxreviews_sse_streams"] == 0.0  # answered directly, on loopback
    # through the edge, whatever the address nginx passes on (loopback here): refused
    for path in ("/metrics", "/metrics/", "//metrics", "/%6Detrics"):
        response, _ = _get(https_port, path)
        assert response.status == 403, path


def _check_events(https_port: int, key: str, user_id: int, web: int) -> None:
    connection = _https(https_port)
    connection.request(
        "GET", "/api/realtime/events/",
        headers={"Host": HOST, "X-Request-ID": "sse-7", "Authorization": f"Token {key}"},
    )  # fmt: skip
    response = connection.getresponse()
    assert response.status == 200
    assert response.headers["Content-Type"] == "text/event-stream; charset=utf-8"
    assert response.headers.get("Content-Encoding") is None
    assert response.headers["X-Request-ID"] == "sse-7"
    data, blank = response.readline(), response.readline()
    assert blank == b"\n" and data.startswith(b"data: ")
    hello = json.loads(data.removeprefix(b"data: "))
    assert (hello["type"], hello["stream"]) == ("hello", stream_name(user_id))
    # published while the stream is held open: it arrives at once (buffered, it would wait for
    # the end of the stream and readline() would time out)
    event_id = publish(type="avis.refuse", data={"avis": 12}, user_id=user_id)
    frame = [response.readline() for _ in range(3)]
    assert frame[0] == f"id: {event_id}\n".encode() and frame[2] == b"\n"
    event = json.loads(frame[1].removeprefix(b"data: "))
    assert (event["id"], event["type"], event["data"]) == (event_id, "avis.refuse", {"avis": 12})
    assert _scrape(web)["foxreviews_sse_streams"] == 1.0  # this one, open
    connection.close()


def _scrape(web: int) -> dict[str, float]:
    direct = http.client.HTTPConnection("127.0.0.1", web, timeout=5)
    direct.request("GET", "/metrics", headers={"Host": HOST})
    return {
        sample.name: sample.value
        for family in text_string_to_metric_families(direct.getresponse().read().decode())
        for sample in family.samples
        if not sample.labels
    }
