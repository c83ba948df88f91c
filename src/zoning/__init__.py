"""zoning package."""
