"""Static files: hashed names in pages, gzip, a year of caching, nosniff (WhiteNoise)."""

from __future__ import annotations

import gzip
import re
from pathlib import Path

from survey_app.static_files import hashed_name

STATIC = Path(__file__).resolve().parents[2] / "survey_app" / "static"


def test_pages_link_the_hashed_stylesheet_served_compressed_and_immutable(client):
    page = client.get("/auth/login").get_data(as_text=True)
    found = re.search(r'href="(/static/css/ecoute\.([0-9a-f]{12})\.css)"', page)
    assert found, "the page links css/ecoute.css by its hashed name"
    source = (STATIC / "css" / "ecoute.css").read_bytes()
    assert found.group(1).endswith(hashed_name("css/ecoute.css", source).split("/")[-1])

    served = client.get(found.group(1), headers={"Accept-Encoding": "gzip"})
    body = served.get_data()
    served.close()  # WhiteNoise streams from an open file
    assert served.status_code == 200
    assert served.headers["Content-Encoding"] == "gzip"
    assert "immutable" in served.headers["Cache-Control"]
    assert "max-age=315360000" in served.headers["Cache-Control"]
    assert served.headers["X-Content-Type-Options"] == "nosniff"
    assert "Access-Control-Allow-Origin" not in served.headers  # our own pages only
    assert gzip.decompress(body) == source

    plain = client.get(found.group(1))
    assert plain.get_data() == source
    plain.close()
    assert "Content-Encoding" not in plain.headers


def test_the_unhashed_name_still_works_with_a_short_cache(client):
    served = client.get("/static/css/ecoute.css")
    served.close()
    assert served.status_code == 200
    assert "immutable" not in served.headers["Cache-Control"]


def test_a_changed_file_gets_a_new_name():
    assert hashed_name("css/a.css", b"x") != hashed_name("css/a.css", b"y")
    assert re.fullmatch(r"css/a\.[0-9a-f]{12}\.css", hashed_name("css/a.css", b"x"))
