"""Validate one hosted Open Badges assertion with the reference validator (`openbadges` on PyPI).

Runs in its own virtualenv, never in .venv (see requirements/openbadges-validator.txt):

    .venv-badges/bin/python tests/tools/openbadges_validate.py http://localhost:8000/badges/<uid>.json

Prints one JSON line: {"valid": bool, "errors": [the validator's ERROR messages]}. Exit code 0
whenever the validator ran (valid or not), so the caller reads the verdict from the output.

The validator fetches the JSON-LD context https://w3id.org/openbadges/v2 from the internet,
which neither this machine nor CI can reach: it is served from the package's own bundled copy,
and every other request (the assertion, BadgeClass and issuer on the test server) goes through.
"""

import json
import sys

import responses
from openbadges import verify
from openbadges.verifier.openbadges_context import OPENBADGES_CONTEXT_V2_DICT

CONTEXT_URL = "https://w3id.org/openbadges/v2"


def main(url: str) -> dict:
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        mock.add(responses.GET, CONTEXT_URL, json=OPENBADGES_CONTEXT_V2_DICT)
        mock.add_passthru("http://")
        report = verify(url, use_cache=False)["report"]
    errors = [m for m in report["messages"] if m["messageLevel"] == "ERROR"]
    return {"valid": report["valid"], "errors": errors}


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: openbadges_validate.py <assertion URL>")
    print(json.dumps(main(sys.argv[1])))
