"""Contract test: a real Statuspage consumer from PyPI reads our summary.json.

``statuspage-prometheus-exporter`` polls ``/api/v2/summary.json`` of Atlassian
Statuspage pages and turns it into Prometheus metrics. Pointed at our static site
(served on 127.0.0.1), it must see the same component states and incidents.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families

from generator.build import build

from .browser import serve
from .scenario import NOW, make_scenario

RUN_ONCE = """
from prometheus_client import generate_latest
from statuspage_prometheus_exporter import service_monitor
service_monitor.monitor_services(is_initial_run=True)
print(generate_latest().decode())
"""


def test_exporter_reads_summary_json(tmp_path: Path) -> None:
    pytest.importorskip("statuspage_prometheus_exporter")
    root = make_scenario(tmp_path / "repo")
    build(root, root / "site", NOW)
    work = tmp_path / "exporter"
    work.mkdir()
    with serve(root / "site" / "public") as base:
        services = {"acme": {"url": f"{base}api/v2/summary.json", "name": "Acme Pay"}}
        (work / "services.json").write_text(json.dumps(services))
        result = subprocess.run([sys.executable, "-c", RUN_ONCE], cwd=work, capture_output=True, text=True,
                                timeout=120, env={"SERVICES_JSON_PATH": str(work / "services.json"), "PATH": ""})
    assert result.returncode == 0, result.stderr
    samples = [s for family in text_string_to_metric_families(result.stdout) for s in family.samples]

    def values(name: str) -> list[tuple[dict[str, str], float]]:
        return [(s.labels, s.value) for s in samples if s.name == name]

    components = {labels["component_name"]: value for labels, value in values("statuspage_component_status")}
    # The exporter reports 1 for operational and 0 for any other state (a group takes its worst member's).
    assert components == {"Core Platform": 0, "Public API": 1, "Payments": 0, "Dashboard": 0, "Payment Links": 1}
    incidents = values("statuspage_incident_info")
    assert len(incidents) == 1
    labels, value = incidents[0]
    assert value == 1
    assert labels["incident_id"] == "2026-11-26-payments-down" and labels["impact"] == "critical"
    assert labels["shortlink"] == "https://status.acmepay.example/incidents/2026-11-26-payments-down/"
    assert "Payments" in labels["affected_components"]
    assert [lbl["maintenance_id"] for lbl, _ in values("statuspage_maintenance_info")] == [
        "2026-11-26-dashboard-upgrade"]
    assert values("statuspage_service_status") == [({"service_name": "Acme Pay"}, 0.0)]
