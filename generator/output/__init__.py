"""What the sites and subscribers get: labels, pages, feeds, the Statuspage API, calendar, badges."""
