"""The state of things over time: timeline, uptime, response metrics, the snapshot at ``now``."""
