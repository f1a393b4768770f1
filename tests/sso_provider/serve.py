"""Start the test OpenID Connect provider (a separate process; see __init__.py).

    python -m tests.sso_provider.serve [--host 127.0.0.1] [--port 0] [--users users.json]
        [--client-id koppel] [--client-secret ...] [--redirect-uri URI ...] [--data-dir DIR]
        [--control-token TOKEN] [--print-koppel-env]

Port 0 takes a free port. When it is ready to serve, one JSON line goes to stdout:
{"issuer": "http://127.0.0.1:PORT", "client_id": ..., "client_secret": ..., "data_dir": ...}.
The RS256 key is generated into the data folder (a new temporary folder unless --data-dir).
"""

import argparse
import json
import os
import secrets
import shutil
import signal
import sys
import tempfile
from pathlib import Path

KOPPEL_SCOPES = "openid profile email schac_home_organization eduperson_affiliation"


# The settings Koppel reads from the environment (the others have the right default).
ENVIRONMENT = (
    "KOPPEL_SSO_ENABLED",
    "OIDC_OP_ISSUER",
    "OIDC_OP_AUTHORIZATION_ENDPOINT",
    "OIDC_OP_TOKEN_ENDPOINT",
    "OIDC_OP_USER_ENDPOINT",
    "OIDC_OP_JWKS_ENDPOINT",
    "OIDC_OP_LOGOUT_ENDPOINT",
    "OIDC_RP_CLIENT_ID",
    "OIDC_RP_CLIENT_SECRET",
)


def koppel_settings(issuer: str, client_id: str, client_secret: str) -> dict[str, object]:
    """Koppel's OIDC settings (names from backend/config/settings.py) for this provider."""
    return {
        "KOPPEL_SSO_ENABLED": True,
        "OIDC_OP_ISSUER": issuer,
        "OIDC_OP_AUTHORIZATION_ENDPOINT": f"{issuer}/authorize/",
        "OIDC_OP_TOKEN_ENDPOINT": f"{issuer}/token/",
        "OIDC_OP_USER_ENDPOINT": f"{issuer}/userinfo/",
        "OIDC_OP_JWKS_ENDPOINT": f"{issuer}/.well-known/jwks.json",
        "OIDC_OP_LOGOUT_ENDPOINT": f"{issuer}/logout/",
        "OIDC_RP_CLIENT_ID": client_id,
        "OIDC_RP_CLIENT_SECRET": client_secret,
        "OIDC_RP_SIGN_ALGO": "RS256",
        "OIDC_RP_SCOPES": KOPPEL_SCOPES,
        "OIDC_USE_PKCE": True,
    }


def _generate_key(path: Path) -> None:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    path.chmod(0o600)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--users", type=Path, help="JSON file: a list of users (see seed.py)")
    parser.add_argument("--client-id", default="koppel")
    parser.add_argument("--client-secret", default="")
    parser.add_argument(
        "--redirect-uri",
        action="append",
        default=[],
        help="allowed redirect URI (repeatable; default: /sso/terug/ on testserver and loopback)",
    )
    parser.add_argument("--data-dir", type=Path)
    parser.add_argument("--control-token", default="")
    parser.add_argument("--print-koppel-env", action="store_true")
    parser.add_argument("--verbose", action="store_true", help="log every request to stderr")
    args = parser.parse_args(argv)

    data_dir = args.data_dir or Path(tempfile.mkdtemp(prefix="koppel-sso-provider-"))
    data_dir.mkdir(parents=True, exist_ok=True)
    key_file = data_dir / "oidc-rs256.pem"
    _generate_key(key_file)
    client_secret = args.client_secret or secrets.token_urlsafe(24)

    # Bind first, so that port 0 gives the issuer its real port before Django reads settings.
    from django.core.servers.basehttp import ThreadedWSGIServer, WSGIRequestHandler

    class Handler(WSGIRequestHandler):
        def log_message(self, format, *log_args):  # noqa: A002 (the base class's name)
            if args.verbose:
                super().log_message(format, *log_args)

    httpd = ThreadedWSGIServer((args.host, args.port), Handler, ipv6=":" in args.host)
    host = f"[{args.host}]" if ":" in args.host else args.host
    issuer = f"http://{host}:{httpd.server_address[1]}"

    # Our own settings, whatever the parent process (Koppel's test run) had.
    os.environ["DJANGO_SETTINGS_MODULE"] = "tests.sso_provider.settings"
    os.environ["SSO_PROVIDER_DIR"] = str(data_dir)
    os.environ["SSO_PROVIDER_KEY_FILE"] = str(key_file)
    os.environ["SSO_PROVIDER_ISSUER"] = issuer

    import django
    from django.conf import settings
    from django.core.management import call_command
    from django.core.wsgi import get_wsgi_application

    django.setup()
    settings.CONTROL_TOKEN = args.control_token
    call_command("migrate", run_syncdb=True, verbosity=0, interactive=False)

    from tests.sso_provider import seed

    client = seed.default_client(args.client_id, client_secret)
    if args.redirect_uri:
        client["redirect_uris"] = args.redirect_uri
    seed.save_client(client)
    if args.users:
        seed.save_users(json.loads(args.users.read_text(encoding="utf-8")))

    httpd.set_app(get_wsgi_application())
    ready = {
        "issuer": issuer,
        "client_id": args.client_id,
        "client_secret": client_secret,
        "data_dir": str(data_dir),
    }
    print(json.dumps(ready), flush=True)
    if args.print_koppel_env:
        print("\nStart Koppel against this provider (in another terminal):\n", flush=True)
        env = koppel_settings(issuer, args.client_id, client_secret)
        line = " \\\n    ".join(
            f"{name}={_shell(value)}" for name, value in env.items() if name in ENVIRONMENT
        )
        print(f"  {line} \\\n    make demo\n", flush=True)
        if args.users:
            print(f"Users at the provider ({args.users}):", flush=True)
            for user in json.loads(args.users.read_text(encoding="utf-8")):
                print(f"  {user['username']:<8} {user.get('note', '')}", flush=True)
    signal.signal(signal.SIGTERM, _interrupt)  # stopped by the test run: clean up as on Ctrl-C
    try:
        httpd.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        httpd.server_close()
        if args.data_dir is None:  # ours: the key and the database go with the process
            shutil.rmtree(data_dir, ignore_errors=True)
    sys.exit(0)


def _interrupt(signum, frame):
    raise KeyboardInterrupt


def _shell(value: object) -> str:
    text = {True: "1", False: "0"}.get(value, value) if isinstance(value, bool) else value
    text = str(text)
    return f"'{text}'" if " " in text else text


if __name__ == "__main__":
    main()
