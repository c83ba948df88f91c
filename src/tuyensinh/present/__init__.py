"""How results are shown and written: report.html, quotas.xlsx, zones.gpkg, manifest.json, atomic files.

`outputs` (staged output folders, atomic writes) ← `report` (the HTML page and its sentences),
`excel` (quotas.xlsx), `geo` (zones.gpkg), `manifest` (manifest.json).
"""
