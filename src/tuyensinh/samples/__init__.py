"""The seeded generator of the embedded sample wards in data/wards/ (entry point:
``python -m tuyensinh.sample_data``; data/README.md documents every parameter in planner terms).

What is real and what is synthetic: only the ward outlines are real (data/boundaries/, from the
open "vietnamese-provinces-database" project, MIT licence). Everything else is synthetic and must
never be read as statistics of the real ward or commune: quarters (a seeded Voronoi
tessellation of the outline), their names, the population, births, housing projects, schools,
their sites and rooms, the zoning and the road distances.

Modules, in the order the generator uses them:

* ``spec`` — time frame (2005–2030, base year 2026) and the frozen parameter dataclasses;
* ``wards`` — the two sample wards' parameters (``PHUOC_BINH``, ``THIEN_HOA``, ``WARDS``);
* ``layout`` — projections, the real outline, its tessellation into quarters, straight-line
  and road distances (metres);
* ``demography`` — fertility, mortality, migration, housing movers and the yearly
  cohort-component simulation;
* ``schools`` — current zoning, pupils/classes/rooms per school and classroom calibration;
* ``files`` — the text of each file of a ward folder (CSV, GeoJSON, ward.toml);
* ``generator`` — one ward in memory, its feature checks, writing the folders, the true future.
"""
