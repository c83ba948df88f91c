"""A new ward folder for a planner to fill in (`tuyensinh init`): boundary, quarters, ward.toml, template workbook."""

from __future__ import annotations

from tuyensinh.start.folder import StartedWard, start_ward

__all__ = ["StartedWard", "start_ward"]
