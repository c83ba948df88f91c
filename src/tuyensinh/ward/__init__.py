"""The ward folder: `load_ward(folder) -> Ward`, its tables, columns, cells, quarters and checks.

codes (levels, kinds, settings) ← errors (Problem, WardDataError)
  ← toml_lines (where a key is written) ← overrides (the check of [norms] / [rates] values)
  ← cells (CSV text → cells) ← columns (column schema, row checks) ← tables (each CSV file)
  ← config (ward.toml) ← quarters (quarters.geojson / .gpkg) ← cross_checks (between files)
  ← folder (Ward, load_ward) ← summary (what `tuyensinh validate` prints)
"""

from tuyensinh.ward.folder import Ward, load_ward

__all__ = ["Ward", "load_ward"]
