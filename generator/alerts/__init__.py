"""Alerts: Prometheus rule files checked against the runbooks, and alert payloads turned into incidents.

``rules`` reads rule files as Prometheus does (``promtool check rules``), with positions;
``check`` ties them to the runbooks of the internal site; ``payloads`` reads what Alertmanager
and PagerDuty send when an alert fires.
"""
