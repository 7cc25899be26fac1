"""The dashboard's files: vendored libraries with their licences, nothing
loaded from the network, and no HTML sink in our own scripts."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from placard.api import Settings, create_app

REPO = Path(__file__).resolve().parents[1]
STATIC = REPO / "placard" / "api" / "static"
VENDOR = STATIC / "vendor"
SCRIPT = REPO / "scripts" / "vendor_dashboard_assets.sh"
PACKAGES = {"leaflet": "LEAFLET", "leaflet.markercluster": "MARKERCLUSTER", "topojson-client": "TOPOJSON_CLIENT",
            "world-atlas": "WORLD_ATLAS"}


def test_dashboard_assets_every_vendored_package_has_its_licence_and_pinned_version():
    pinned = dict(re.findall(r"^([A-Z_]+)=(\S+)$", SCRIPT.read_text(), re.MULTILINE))
    versions = dict(line.split()[:2] for line in (VENDOR / "VERSIONS.txt").read_text().splitlines())
    for package, variable in PACKAGES.items():
        assert (VENDOR / package / "LICENSE").stat().st_size > 100, package
        assert versions[package] == pinned[variable], package


def test_dashboard_assets_index_loads_only_local_files_that_exist():
    index = (STATIC / "index.html").read_text()
    references = re.findall(r'(?:src|href)="([^"#]+)"', index)
    assert references
    for reference in references:
        assert not re.match(r"^(https?:)?//", reference), reference
        if reference.startswith("/static/"):
            assert (STATIC / reference.removeprefix("/static/")).is_file(), reference


def test_dashboard_assets_country_outlines_ship_as_topojson():
    topology = json.loads((VENDOR / "world-atlas" / "countries-110m.json").read_text())
    assert topology["type"] == "Topology"
    countries = topology["objects"]["countries"]["geometries"]
    assert len(countries) > 170
    assert "Kazakhstan" in {c["properties"]["name"] for c in countries}


# Ways JavaScript turns a string into markup or code; article text must never reach one.
SINKS = re.compile(r"innerHTML|outerHTML|insertAdjacentHTML|document\.write|\beval\(|new Function|setHTML")


@pytest.mark.parametrize("script", sorted((STATIC / "js").glob("*.js")), ids=lambda p: p.name)
def test_dashboard_assets_scripts_use_no_html_sinks(script):
    found = [(n, line.strip()) for n, line in enumerate(script.read_text().splitlines(), 1) if SINKS.search(line)]
    assert not found, found


def test_dashboard_assets_are_served_with_a_strict_policy(tmp_path):
    with TestClient(create_app(str(tmp_path / "events.db"), Settings())) as client:
        page = client.get("/")
        assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
        assert "script-src 'self'" in page.headers["content-security-policy"]
        script = client.get("/static/vendor/leaflet/leaflet.js")
        assert script.status_code == 200 and "javascript" in script.headers["content-type"]
        module = client.get("/static/js/main.js")
        assert module.status_code == 200 and "javascript" in module.headers["content-type"]
        assert client.get("/static/js/missing.js").status_code == 404
