"""Any JSON body gets a 2xx or a problem-details 4xx, never a 500 (hypothesis)."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.core_factories import make_small_study
from tests.web.api.test_api import key_for

scalars = (
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=70)
)
values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=20), inner, max_size=4)
    ),
    max_leaves=12,
)
item = st.fixed_dictionaries(
    {},
    optional={
        "reference": values | st.from_regex(r"[A-Za-z0-9][A-Za-z0-9_-]{1,10}", fullmatch=True),
        "site": values | st.sampled_from(["north", "south"]),
        "support_started_on": values | st.dates().map(str),
        "support_ended_on": values | st.dates().map(str),
    },
)
bodies = values | st.fixed_dictionaries({"items": st.lists(item, max_size=5) | values})
paths = st.sampled_from(["/api/v1/beneficiaries", "/api/v1/studies/impact/enrolments"])


@pytest.fixture
def headers(session):
    setup = make_small_study(session)
    return key_for(session, setup.organisation)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(body=bodies, path=paths)
def test_no_body_causes_a_server_error(client, headers, body, path):
    response = client.post(path, json=body, headers=headers)
    assert response.status_code < 500, response.data[:300]
    if response.status_code >= 400:
        assert response.mimetype == "application/problem+json"
        assert json.loads(response.data)["status"] == response.status_code
