"""Province scale: many ward plans at once on Dask, the province roll-up, city-wide zoning."""
