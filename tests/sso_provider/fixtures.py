"""Starting the test OpenID Connect provider from pytest, and walking through its pages.

`running_provider(tmp_dir)` starts `python -m tests.sso_provider.serve` once per test run (a
separate process with its own settings and SQLite file) and stops it when the last fixture using
it ends. Used by tests/sso/conftest.py and tests/browser/test_sso_login.py:

    provider.user(affiliation="student", home="vista.nl", student_number="123456")  -> ProviderUser
    provider.koppel_settings()          -> Koppel's OIDC_* settings pointing at it
    ProviderSession(provider).sign_in(authorize_url, user)  -> the URL it sends the browser back to

Nothing here imports Django or Koppel at module level.
"""

import json
import os
import secrets
import subprocess
import sys
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

import requests

from tests.sso_provider.serve import koppel_settings

REPO = Path(__file__).resolve().parents[2]
START_TIMEOUT_SECONDS = 60
PASSWORD = "schoolaccount-2026"


@dataclass
class ProviderUser:
    username: str
    password: str
    claims: dict[str, Any]
    misbehave: str = ""

    @property
    def sub(self) -> str:
        return self.claims.get("sub", "")

    @property
    def email(self) -> str:
        return self.claims.get("email", "")


@dataclass
class RunningProvider:
    issuer: str
    client_id: str
    client_secret: str
    control_token: str
    process: subprocess.Popen
    log: Path
    users: int = 0
    _http: requests.Session = field(default_factory=requests.Session)

    def koppel_settings(self) -> dict[str, object]:
        return koppel_settings(self.issuer, self.client_id, self.client_secret)

    def _control(self, path: str, payload: object) -> dict[str, Any]:
        response = self._http.post(
            f"{self.issuer}/_control/{path}",
            data=json.dumps(payload),
            headers={"X-Control-Token": self.control_token, "Content-Type": "application/json"},
            timeout=10,
        )
        response.raise_for_status()
        return response.json()

    def add_user(
        self,
        claims: dict[str, Any],
        *,
        username: str = "",
        password: str = PASSWORD,
        misbehave: str = "",
        is_active: bool = True,
    ) -> ProviderUser:
        self.users += 1
        username = username or f"user{self.users}-{uuid.uuid4().hex[:6]}"
        self._control(
            "users",
            {
                "username": username,
                "password": password,
                "claims": claims,
                "misbehave": misbehave,
                "is_active": is_active,
            },
        )
        return ProviderUser(username, password, claims, misbehave)

    def user(
        self,
        *,
        affiliation: str | list[str] | None = "student",
        home: str | None = "vista.nl",
        student_number: str | None = None,
        email: str | None = None,
        given_name: str = "Sanne",
        family_name: str = "Jansen",
        sub: str | None = None,
        misbehave: str = "",
        drop: tuple[str, ...] = (),
        **extra: Any,
    ) -> ProviderUser:
        """A federation user with SURFconext's claims. `None` leaves a claim out, as does
        naming it in `drop`; `student_number` becomes a schac_personal_unique_code of `home`."""
        claims: dict[str, Any] = {
            "sub": sub or f"urn:collab:person:{home or 'nowhere'}:{uuid.uuid4().hex[:12]}",
            "given_name": given_name,
            "family_name": family_name,
            "email": email
            or f"{given_name.lower()}.{uuid.uuid4().hex[:6]}@{home or 'example.org'}",
        }
        if home is not None:
            claims["schac_home_organization"] = home
        if affiliation is not None:
            claims["eduperson_affiliation"] = (
                [affiliation] if isinstance(affiliation, str) else list(affiliation)
            )
        if student_number is not None:
            claims["schac_personal_unique_code"] = [
                f"urn:schac:personalUniqueCode:nl:local:{home}:studentid:{student_number}"
            ]
        claims.update(extra)
        for name in drop:
            claims.pop(name, None)
        return self.add_user(claims, misbehave=misbehave)


class ProviderSession:
    """The browser's side at the provider, with `requests`: its own cookies (the provider's
    session), following the provider's redirects until it sends the browser back to Koppel."""

    def __init__(self, provider: RunningProvider):
        self.provider = provider
        self.http = requests.Session()

    def _is_provider(self, url: str) -> bool:
        return urlsplit(url).netloc == urlsplit(self.provider.issuer).netloc

    def sign_in(self, authorize_url: str, user: ProviderUser | None = None) -> str:
        """Open Koppel's authorization request; sign in as `user` when the provider asks (not
        when its session already knows someone). Returns where the provider redirects to."""
        url = authorize_url
        for _ in range(10):
            response = self.http.get(url, allow_redirects=False, timeout=10)
            if response.status_code == 200 and 'name="password"' in response.text:
                if user is None:
                    raise AssertionError("the provider asks to sign in, but no user was given")
                response = self._submit_login(response, user)
            if response.status_code not in (301, 302, 303):
                raise AssertionError(
                    f"the provider answered {response.status_code} at {url}:\n{response.text[:2000]}"
                )
            url = urljoin(url, response.headers["Location"])
            if not self._is_provider(url):
                return url
        raise AssertionError("the provider kept redirecting")

    def _submit_login(self, page: requests.Response, user: ProviderUser) -> requests.Response:
        token = self.http.cookies.get("idp_csrftoken")
        next_url = _hidden_value(page.text, "next")
        response = self.http.post(
            page.url,
            data={
                "csrfmiddlewaretoken": token,
                "username": user.username,
                "password": user.password,
                "next": next_url,
            },
            allow_redirects=False,
            timeout=10,
        )
        if response.status_code != 302:
            raise AssertionError(f"signing in at the provider failed: {response.text[:1000]}")
        return response

    def follow(self, url: str) -> requests.Response:
        """GET a URL at the provider (e.g. Koppel's redirect to end_session), without following
        the provider's redirect back to Koppel."""
        return self.http.get(url, allow_redirects=False, timeout=10)

    def signed_in_as(self) -> str | None:
        page = self.http.get(f"{self.provider.issuer}/", timeout=10).text
        marker = 'id="signed-in">Ingelogd als '
        if marker not in page:
            return None
        return page.split(marker, 1)[1].split("<", 1)[0].strip()


def _hidden_value(html: str, name: str) -> str:
    marker = f'name="{name}" value="'
    if marker not in html:
        return ""
    from html import unescape

    return unescape(html.split(marker, 1)[1].split('"', 1)[0])


# --- the process, shared by every fixture that asks for it -------------------------------------

_shared: dict[str, Any] = {"provider": None, "users": 0}
_lock = threading.Lock()


def acquire(tmp_dir: Path) -> RunningProvider:
    with _lock:
        if _shared["provider"] is None or _shared["provider"].process.poll() is not None:
            _shared["provider"] = _start(tmp_dir)
        _shared["users"] += 1
        return _shared["provider"]


def release() -> None:
    with _lock:
        _shared["users"] -= 1
        if _shared["users"] <= 0 and _shared["provider"] is not None:
            _stop(_shared["provider"])
            _shared["provider"] = None


def _start(tmp_dir: Path) -> RunningProvider:
    tmp_dir.mkdir(parents=True, exist_ok=True)
    control_token = secrets.token_urlsafe(16)
    log = tmp_dir / "provider.log"
    env = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")}
    command = [
        sys.executable,
        "-m",
        "tests.sso_provider.serve",
        "--host",
        "127.0.0.1",
        "--port",
        "0",
        "--data-dir",
        str(tmp_dir),
        "--control-token",
        control_token,
    ]
    with log.open("w") as stderr:
        process = subprocess.Popen(
            command, cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=stderr, text=True
        )
    ready: dict[str, Any] = {}
    reader = threading.Thread(target=lambda: ready.update(json.loads(process.stdout.readline())))
    reader.daemon = True
    reader.start()
    reader.join(START_TIMEOUT_SECONDS)
    if not ready:
        process.kill()
        raise RuntimeError(f"the test OIDC provider did not start:\n{log.read_text()[-3000:]}")
    provider = RunningProvider(
        issuer=ready["issuer"],
        client_id=ready["client_id"],
        client_secret=ready["client_secret"],
        control_token=control_token,
        process=process,
        log=log,
    )
    _wait_for_discovery(provider)
    return provider


def _wait_for_discovery(provider: RunningProvider) -> None:
    deadline = time.monotonic() + START_TIMEOUT_SECONDS
    url = f"{provider.issuer}/.well-known/openid-configuration"
    while time.monotonic() < deadline:
        try:
            if requests.get(url, timeout=2).status_code == 200:
                return
        except requests.ConnectionError:
            pass
        time.sleep(0.1)
    _stop(provider)
    raise RuntimeError(f"no discovery document at {url}:\n{provider.log.read_text()[-3000:]}")


def _stop(provider: RunningProvider) -> None:
    provider.process.terminate()
    try:
        provider.process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        provider.process.kill()
        provider.process.wait(timeout=10)
    if provider.process.stdout:
        provider.process.stdout.close()
