"""The one place where the province package reaches into the rest of tuyensinh.

Every name the province package needs from the ward-level app (the plan run, the ward loader,
the manifest hashes, atomic output, labels and the sample generator) is imported here and
nowhere else, so a reorganisation of `tuyensinh` changes this module only.
"""

from __future__ import annotations

from tuyensinh.plan import PlanSettings, run_plan
from tuyensinh.present.manifest import MANIFEST_VERSION, file_hashes, manifest_json
from tuyensinh.present.outputs import staged_output, write_bytes_atomic, write_csv_atomic, write_text_atomic
from tuyensinh.samples import files as sample_files
from tuyensinh.samples.demography import simulate
from tuyensinh.samples.layout import (
    _merge_fragments as merge_fragments,
)
from tuyensinh.samples.layout import (
    _polygonal as polygonal,
)
from tuyensinh.samples.layout import (
    _to_wgs84 as to_wgs84,
)
from tuyensinh.samples.layout import (
    _transform as transform_geometry,
)
from tuyensinh.samples.layout import (
    quarter_centres,
    to_projected,
)
from tuyensinh.samples.schools import calibrate, current_zones
from tuyensinh.samples.spec import Demography, SchoolSite, WardSpec
from tuyensinh.samples.wards import PHUOC_BINH, THIEN_HOA
from tuyensinh.ward import Ward, load_ward
from tuyensinh.ward.errors import Problem, WardDataError
from tuyensinh.words.labels import level_name, school_year_label, ward_title

__all__ = [
    "MANIFEST_VERSION",
    "PHUOC_BINH",
    "THIEN_HOA",
    "Demography",
    "PlanSettings",
    "Problem",
    "SchoolSite",
    "Ward",
    "WardDataError",
    "WardSpec",
    "calibrate",
    "current_zones",
    "file_hashes",
    "level_name",
    "load_ward",
    "manifest_json",
    "merge_fragments",
    "polygonal",
    "quarter_centres",
    "run_plan",
    "sample_files",
    "school_year_label",
    "simulate",
    "staged_output",
    "to_projected",
    "to_wgs84",
    "transform_geometry",
    "ward_title",
    "write_bytes_atomic",
    "write_csv_atomic",
    "write_text_atomic",
]
