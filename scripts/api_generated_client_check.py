"""End-to-end check of /api/v1 through a client generated from the served OpenAPI description.

Not part of the test suite (it needs a running server and a generated client)::

    flask --app wsgi db upgrade && flask --app wsgi seed-demo
    # two keys with every scope: one of "demo", one of another organisation,
    # in a file, one per line
    flask --app wsgi run -p 5019 &
    python -m venv /tmp/oac && /tmp/oac/bin/pip install openapi-python-client==0.29.1
    /tmp/oac/bin/openapi-python-client generate --meta none \
        --url http://127.0.0.1:5019/api/v1/openapi.json --output-path /tmp/gen/ecoute_client
    flask --app wsgi indicators demo --json > /tmp/indicators.json
    PYTHONPATH=/tmp/gen /tmp/oac/bin/python scripts/api_generated_client_check.py KEYFILE \
        /tmp/indicators.json

It compares the indicators with ``flask indicators demo --json`` (run before
the writes, which add invitations and so change response rates), pages
through the answers, creates 1,000 beneficiaries (twice: the second call only
updates), enrols them in the demo study, reads invitation status and checks
that the other organisation's key gets 404 on every object.
"""

from __future__ import annotations

import datetime
import json
import sys
import time

from ecoute_client import AuthenticatedClient
from ecoute_client.api.api import (
    enrol_beneficiaries,
    get_beneficiary,
    get_indicators,
    list_answers,
    list_invitations,
    reissue_invitation,
    upsert_beneficiaries,
)
from ecoute_client.models import BeneficiaryBatch, BeneficiaryIn, EnrolmentIn

BASE = "http://127.0.0.1:5019"


def main(key_file: str, indicators_file: str) -> int:
    with open(key_file) as keys:
        own, other = keys.read().split()
    with open(indicators_file) as command_output:
        expected = json.load(command_output)
    client = AuthenticatedClient(base_url=BASE, token=own, timeout=300)
    stranger = AuthenticatedClient(base_url=BASE, token=other, timeout=60)
    served = json.loads(get_indicators.sync_detailed("demo", client=client).content)
    same = served == expected
    print("indicators equal to indicators --json:", same)
    rows, cursor = [], ""
    while cursor is not None:
        page = list_answers.sync("demo", client=client, cursor=cursor, limit=250)
        rows += page.items
        cursor = page.next_cursor if isinstance(page.next_cursor, str) else None
    print(f"answers paged: {len(rows)} rows, n_responses {served['n_responses']}")
    refs = [f"EXT-{i:04d}" for i in range(1000)]
    items = [
        BeneficiaryIn(reference=ref, site="nord", support_started_on=datetime.date(2026, 1, 5))
        for ref in refs
    ]
    for attempt in ("create", "repeat"):
        started = time.perf_counter()
        result = upsert_beneficiaries.sync(client=client, body=BeneficiaryBatch(items=items))
        took = time.perf_counter() - started
        print(f"{attempt}: created {result.created}, updated {result.updated} in {took:.2f} s")
    started = time.perf_counter()
    enrolled = enrol_beneficiaries.sync("demo", client=client, body=EnrolmentIn(references=refs))
    with_secrets = sum(1 for row in enrolled.items if row.link and row.card_code)
    took = time.perf_counter() - started
    print(f"enrolled {len(enrolled.items)} ({with_secrets} with link and card) in {took:.2f} s")
    status = list_invitations.sync("demo", client=client, wave="baseline", limit=1000)
    print("baseline status counts:", status.counts.to_dict()["baseline"])
    refused = [
        get_beneficiary.sync_detailed(refs[0], client=stranger).status_code,
        list_invitations.sync_detailed("demo", client=stranger).status_code,
        get_indicators.sync_detailed("demo", client=stranger).status_code,
        list_answers.sync_detailed("demo", client=stranger).status_code,
        reissue_invitation.sync_detailed(enrolled.items[0].id, client=stranger).status_code,
        enrol_beneficiaries.sync_detailed(
            "demo", client=stranger, body=EnrolmentIn(references=refs[:1])
        ).status_code,
    ]
    print("other organisation's key:", refused)
    ok = same and len(rows) == served["n_responses"] and set(refused) == {404}
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
