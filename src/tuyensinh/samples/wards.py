"""The parameters of the two embedded sample wards (data/README.md explains them for planners).

* **Phước Bình** (phường, Đồng Nai, code 25220, EPSG:3405, urban): 30 quarters "Khu phố 1…30"
  (ids KP01…KP30, numbered outward from a synthetic town core), TFR 1.85 → 1.75, net
  in-migration of young families concentrated in a fringe ring, two housing projects
  (2022–2030). Seed 25220.
* **Thiện Hòa** (xã, Lạng Sơn, code 06085, EPSG:3405 — its longitude is 106.1–106.3°E, inside
  UTM zone 48N; mountain setting): 20 villages "Thôn Bản Nầng"… (ids THON01…THON20, numbered
  west to east) strung along three synthetic valleys, TFR 2.25 → 2.0 → 1.93, net out-migration
  of ages 18–35 to industrial zones, so child cohorts shrink. Seed 6085.

Spelling: names use the traditional tone-mark placement of the official administrative list
and of the project documents ("Thiện Hòa", "Họa Mi"); the boundary file spells "Thiện Hoà".
"""

from __future__ import annotations

from tuyensinh.samples.spec import Demography, HousingProject, SchoolSite, WardSpec

# Sites (lon, lat, WGS84) were chosen on the seeded quarter layout: the town core is around
# KP01–KP04, project A sits in KP14 north of the core, project B in KP17 to the south.
PHUOC_BINH_SCHOOLS = (
    SchoolSite("MN01", "Trường Mầm non Hoa Sen", "mam_non", 106.9565, 11.8250, "ample"),
    SchoolSite("MN02", "Trường Mầm non Sơn Ca", "mam_non", 106.9485, 11.8355, "tight"),
    SchoolSite("MN03", "Trường Mầm non Hướng Dương", "mam_non", 106.9515, 11.8075, "ample"),
    SchoolSite("MN04", "Trường Mầm non Họa Mi", "mam_non", 106.9300, 11.8215, "ample"),
    SchoolSite("MN05", "Trường Mầm non Tuổi Thơ", "mam_non", 106.8875, 11.8260, "ample"),
    SchoolSite("TH01", "Trường Tiểu học Phước Bình", "tieu_hoc", 106.9525, 11.8275, "tight"),
    SchoolSite("TH02", "Trường Tiểu học Kim Đồng", "tieu_hoc", 106.9580, 11.8130, "ample"),
    SchoolSite("TH03", "Trường Tiểu học Võ Thị Sáu", "tieu_hoc", 106.9345, 11.8195, "ample"),
    SchoolSite(
        "TH04", "Trường Tiểu học Trần Quốc Toản", "tieu_hoc", 106.9395, 11.8415, "new", opens=2029, classrooms=24
    ),
    SchoolSite("THCS01", "Trường THCS Phước Bình", "thcs", 106.9480, 11.8300, "tight"),
    SchoolSite("THCS02", "Trường THCS Lương Thế Vinh", "thcs", 106.9470, 11.8120, "ample", sessions_per_day=1),
)

PHUOC_BINH_HOUSING = (
    HousingProject(
        "Khu dân cư Phước Bình mới (dự án A)",
        "KP14",
        (
            (2022, 30),
            (2023, 40),
            (2024, 60),
            (2025, 100),
            (2026, 140),
            (2027, 200),
            (2028, 220),
            (2029, 180),
            (2030, 120),
        ),
    ),
    HousingProject(
        "Khu nhà ở xã hội Phước Bình (dự án B)",
        "KP17",
        ((2025, 40), (2026, 90), (2027, 120), (2028, 120), (2029, 90), (2030, 60)),
    ),
)

PHUOC_BINH = WardSpec(
    slug="phuoc_binh",
    cycle_data=True,
    code="25220",
    name="Phước Bình",
    kind="phường",
    province="Đồng Nai",
    crs="EPSG:3405",
    setting="urban",
    boundary_file="25220_phuoc_binh.geojson",
    seed=25220,
    quarter_ids=tuple(f"KP{i:02d}" for i in range(1, 31)),
    quarter_names=tuple(f"Khu phố {i}" for i in range(1, 31)),
    demography=Demography(
        tfr_knots=((2005, 1.95), (2015, 1.85), (2026, 1.75), (2030, 1.72)),
        asfr_shape=5.0,
        asfr_scale=2.8,
        infant_mortality=0.011,
        mortality_multiplier=1.0,
        initial_age_knots=(
            (0, 0.85),
            (9, 0.9),
            (15, 1.05),
            (22, 1.05),
            (30, 0.95),
            (40, 0.85),
            (50, 0.65),
            (57, 0.45),
            (64, 0.35),
        ),
        initial_population=24_500,
        out_rate_knots=(
            (0, 0.014),
            (10, 0.010),
            (17, 0.012),
            (20, 0.035),
            (28, 0.03),
            (35, 0.015),
            (50, 0.008),
            (64, 0.006),
        ),
        out_female_multiplier=1.1,
        inflow_per_year=950.0,
        inflow_age_knots=(
            (0, 0.55),
            (5, 0.45),
            (10, 0.32),
            (14, 0.25),
            (17, 0.3),
            (20, 0.8),
            (26, 1.0),
            (32, 0.75),
            (38, 0.35),
            (45, 0.12),
            (64, 0.05),
        ),
        fertility_sd=0.10,
        out_sd=0.30,
        attract_sd=0.55,
        shock_sd=0.10,
    ),
    rates={},  # the norm table's defaults: nhà trẻ 47 %, mẫu giáo 99 %, private 7 % / 1.5 %
    core=(106.9520, 11.8240),
    centre=(106.9520, 11.8240),
    schools=PHUOC_BINH_SCHOOLS,
    housing=PHUOC_BINH_HOUSING,
    zone_quirks=(
        # the part of KP10 east of the main road has always gone to TH01
        ("KP10", "tieu_hoc", (("TH01", 0.5), ("TH03", 0.5))),
        # KP06 kept its old secondary school when THCS Lương Thế Vinh opened
        ("KP06", "thcs", (("THCS01", 1.0),)),
        # KP12 goes to the ward's first kindergarten, Hoa Sen
        ("KP12", "mam_non", (("MN01", 1.0),)),
    ),
    slack_rooms=(2, 4),
    land_m2_per_place=(7.0, 11.0),
    toml_extra="""
# Rates and norms: the defaults of the norm table apply (docs/norms.md): nhà trẻ 47 %, mẫu giáo
# 99 %, primary and THCS 100 % enrolled; private schools take 7 % (mầm non) and 1.5 % (primary,
# THCS). Examples of per-ward overrides (remove the leading '# ' to use them):
# [rates.private_share]        # a new private kindergarten opens in the ward
# mam_non = 0.12
#
# [norms.max_class_size]       # the province sets a lower THCS class size than the national 45
# thcs = 40
""",
)

THIEN_HOA_VILLAGES = (
    "Bản Nầng",
    "Nà Pàn",
    "Khòn Pát",
    "Nà Làng",
    "Pò Mò",
    "Bản Chặng",
    "Nà Thang",
    "Còn Quan",
    "Khuổi Lầy",
    "Pác Cáp",
    "Nà Lừa",
    "Bó Pia",
    "Kéo Coóc",
    "Lũng Vài",
    "Nà Tâm",
    "Pác Khuông",
    "Bản Đăm",
    "Nà Hán",
    "Khau Ràng",
    "Phiêng Quăn",
)

# The commune centre (People's Committee, main schools) is in Thôn Nà Lừa (THON11); the small
# satellite primary site in Thôn Nà Pàn (THON02), far west, closes in 2028.
THIEN_HOA_SCHOOLS = (
    SchoolSite("MN01", "Trường Mầm non Thiện Hòa", "mam_non", 106.2180, 22.0780, "ample"),
    SchoolSite("MN02", "Trường Mầm non Hoa Đào", "mam_non", 106.1440, 22.0690, "ample"),
    SchoolSite("MN03", "Trường Mầm non Bản Đăm", "mam_non", 106.2735, 22.1080, "ample"),
    SchoolSite("TH01", "Trường Tiểu học Thiện Hòa", "tieu_hoc", 106.2205, 22.0755, "ample"),
    SchoolSite("TH02", "Trường Tiểu học Phiêng Quăn", "tieu_hoc", 106.3225, 22.1085, "ample"),
    SchoolSite(
        "TH03",
        "Trường Tiểu học Thiện Hòa – điểm trường Nà Pàn",
        "tieu_hoc",
        106.1255,
        22.0675,
        "satellite",
        closes=2028,
        classrooms=5,
    ),
    SchoolSite("THCS01", "Trường THCS Thiện Hòa", "thcs", 106.2170, 22.0800, "ample"),
    SchoolSite("THCS02", "Trường PTDTBT THCS Pác Khuông", "thcs", 106.2620, 22.0890, "ample"),
)

# The network review (tuyensinh network): a new primary school at Nà Pàn could replace the
# satellite site TH03 (closing in 2028), a preschool between the centre and Phiêng Quăn; the
# river between Thôn Khòn Pát and the Pác Khuông school forbids that pair.
THIEN_HOA_CANDIDATES = (
    ("DD01", "Điểm xây mới Tiểu học Nà Pàn", "tieu_hoc", 106.1300, 22.0700, 6, 28e9, 2028),
    ("DD01", "Điểm xây mới Tiểu học Nà Pàn", "tieu_hoc", 106.1300, 22.0700, 10, 38e9, 2028),
    ("DD02", "Điểm xây mới Mầm non Khau Ràng", "mam_non", 106.2950, 22.1000, 4, 15e9, 2027),
    ("DD02", "Điểm xây mới Mầm non Khau Ràng", "mam_non", 106.2950, 22.1000, 6, 20e9, 2027),
)
THIEN_HOA_CONSTRAINTS = (("forbid", "thcs", "THON03", "THCS02", ""),)

THIEN_HOA = WardSpec(
    slug="thien_hoa",
    code="06085",
    name="Thiện Hòa",
    kind="xã",
    province="Lạng Sơn",
    crs="EPSG:3405",
    setting="mountain",
    boundary_file="06085_thien_hoa.geojson",
    seed=6085,
    quarter_ids=tuple(f"THON{i:02d}" for i in range(1, 21)),
    quarter_names=tuple(f"Thôn {v}" for v in THIEN_HOA_VILLAGES),
    demography=Demography(
        tfr_knots=((2005, 2.35), (2015, 2.25), (2026, 2.0), (2030, 1.93)),
        asfr_shape=4.5,
        asfr_scale=2.6,
        infant_mortality=0.018,
        mortality_multiplier=1.3,
        initial_age_knots=((0, 1.1), (9, 1.2), (15, 1.2), (22, 0.95), (30, 0.8), (40, 0.7), (50, 0.55), (64, 0.3)),
        initial_population=9_000,
        out_rate_knots=(
            (0, 0.012),
            (10, 0.010),
            (15, 0.012),
            (18, 0.05),
            (25, 0.045),
            (35, 0.02),
            (40, 0.008),
            (64, 0.004),
        ),
        out_female_multiplier=1.15,
        inflow_per_year=55.0,
        inflow_age_knots=((0, 0.3), (10, 0.2), (17, 0.2), (22, 0.6), (30, 1.0), (40, 0.6), (50, 0.3), (64, 0.2)),
        fertility_sd=0.12,
        out_sd=0.30,
        attract_sd=0.40,
        shock_sd=0.10,
    ),
    rates={"participation": {"mau_giao": 1.0}, "private_share": {"mam_non": 0.0, "tieu_hoc": 0.0, "thcs": 0.0}},
    valleys=(
        ((106.105, 22.060), (106.160, 22.072), (106.215, 22.078), (106.265, 22.090), (106.320, 22.108)),
        ((106.200, 22.078), (106.205, 22.105), (106.215, 22.130)),
        ((106.215, 22.078), (106.222, 22.050), (106.228, 22.025)),
    ),
    centre=(106.2190, 22.0775),
    schools=THIEN_HOA_SCHOOLS,
    candidates=THIEN_HOA_CANDIDATES,
    constraints=THIEN_HOA_CONSTRAINTS,
    zone_quirks=(
        # Pò Mò sends its children down the valley road to the commune centre
        ("THON05", "tieu_hoc", (("TH01", 1.0),)),
    ),
    slack_rooms=(1, 3),
    land_m2_per_place=(12.0, 20.0),
    toml_extra="""
# Above: the commune's 2030 target is every child aged 3–5 in kindergarten (mẫu giáo 100 %),
# and there is no private school in the commune (private shares 0; the defaults assume 7 % and
# 1.5 %). Example of a norm override (remove the leading '# ' to use it):
# [norms.max_class_size]       # the province sets a lower THCS class size than the national 45
# thcs = 40
""",
    write_distances=True,
)


WARDS: dict[str, WardSpec] = {"phuoc_binh": PHUOC_BINH, "thien_hoa": THIEN_HOA}
