"""Words of the capacity cycle outputs (teachers, building programme, facilities, lớp ghép, the
15 August intake report, rates, universalisation, data coverage): column headers, sheet titles
and the names of codes, Vietnamese (default) and English."""

from __future__ import annotations

from tuyensinh.words.core import pick

__all__ = ["CYCLE_SHEETS", "code_name", "column_label", "cycle_text", "needs_sentence"]

# column -> (Vietnamese, English)
_COLUMNS: dict[str, tuple[str, str]] = {
    "school_id": ("Mã trường", "School"),
    "name": ("Tên trường", "School name"),
    "level": ("Cấp học", "Level"),
    "grade": ("Khối / nhóm tuổi", "Grade / age group"),
    "school_year": ("Năm học", "School year"),
    "classes": ("Số lớp", "Classes"),
    "pupils_mean": ("Số học sinh (dự báo)", "Pupils (forecast)"),
    "teachers_norm": ("Giáo viên theo định mức", "Teachers by the norm"),
    "teachers_needed": ("Giáo viên cần (làm tròn)", "Teachers needed"),
    "teachers": ("Giáo viên hiện có", "Teachers now"),
    "teacher_shortfall": ("Thiếu giáo viên", "Teachers short"),
    "first_teacher_short_year": ("Năm bắt đầu thiếu GV", "First year short of teachers"),
    "item": ("Hạng mục", "Item"),
    "rooms": ("Số phòng", "Rooms"),
    "unit_cost_million_vnd": ("Đơn giá (triệu đồng/phòng)", "Unit cost (million VND per room)"),
    "cost_million_vnd": ("Kinh phí (triệu đồng)", "Cost (million VND)"),
    "cost_to_date_million_vnd": ("Kinh phí lũy kế (triệu đồng)", "Cost to date (million VND)"),
    "classrooms": ("Phòng học", "Classrooms"),
    "permanent_classrooms": ("Phòng học kiên cố", "Permanent classrooms"),
    "permanent_share": ("Tỷ lệ kiên cố", "Permanent share"),
    "permanent_target": ("Mục tiêu kiên cố", "Permanent target"),
    "permanent_short_rooms": ("Phòng cần kiên cố hóa", "Rooms to make permanent"),
    "functional_rooms": ("Phòng chức năng / bộ môn", "Functional rooms"),
    "functional_rooms_min": ("Phòng chức năng theo chuẩn", "Functional rooms by the standard"),
    "functional_short": ("Thiếu phòng chức năng", "Functional rooms short"),
    "land_m2": ("Diện tích đất (m²)", "Land (m²)"),
    "boarders": ("Học sinh bán trú/nội trú", "Boarders"),
    "land_norm_m2": ("Diện tích đất theo chuẩn (m²)", "Land by the standard (m²)"),
    "land_m2_per_pupil": ("m² đất / học sinh", "Land per pupil (m²)"),
    "land_ok": ("Đạt chuẩn diện tích", "Land meets the standard"),
    "school_min_classes": ("Số lớp tối thiểu", "Minimum classes"),
    "school_max_classes": ("Số lớp tối đa", "Maximum classes"),
    "size_flag": ("Quy mô trường", "School size"),
    "semi_boarding_places": ("Chỗ bán trú hiện có", "Semi-boarding places"),
    "semi_boarding_demand": ("Nhu cầu bán trú", "Semi-boarding demand"),
    "semi_boarding_short": ("Thiếu chỗ bán trú", "Semi-boarding places short"),
    "first_year": ("Từ năm học", "From school year"),
    "last_year": ("Đến năm học", "To school year"),
    "years": ("Số năm liên tiếp", "Consecutive years"),
    "class_groups": ("Lớp ghép", "Mixed classes"),
    "long_lasting": ("Kéo dài trên 1 năm", "Lasting more than a year"),
    "quota": ("Chỉ tiêu đã giao", "Published quota"),
    "forecast": ("Dự báo", "Forecast"),
    "actual": ("Thực tuyển", "Actual intake"),
    "actual_minus_quota": ("Chênh lệch so với chỉ tiêu", "Actual minus quota"),
    "fill_rate": ("Tỷ lệ đạt chỉ tiêu", "Share of the quota filled"),
    "forecast_error": ("Sai số dự báo", "Forecast error"),
    "accuracy": ("Độ chính xác", "Accuracy"),
    "quota_classes": ("Số lớp theo chỉ tiêu", "Classes in the quota"),
    "actual_classes": ("Số lớp thực tế", "Actual classes"),
    "classes_error": ("Chênh lệch số lớp", "Classes difference"),
    "rows": ("Số dòng", "Rows"),
    "ward_accuracy": ("Độ chính xác toàn phường/xã", "Ward-total accuracy"),
    "classes_accuracy": ("Độ chính xác số lớp", "Classes accuracy"),
    "classes_exact_share": ("Tỷ lệ trường đúng số lớp", "Share with the right class count"),
    "accuracy_target": ("Mục tiêu", "Target"),
    "meets_target": ("Đạt mục tiêu", "Meets the target"),
    "rate": ("Tỷ lệ", "Rate"),
    "group": ("Nhóm", "Group"),
    "default": ("Mặc định (bảng định mức)", "Default (norm table)"),
    "observed": ("Thực tế", "Observed"),
    "n": ("Cỡ dữ liệu", "Data size"),
    "weight_data": ("Trọng số dữ liệu", "Weight of the data"),
    "estimate": ("Giá trị dùng", "Value used"),
    "source": ("Nguồn", "Source"),
    "indicator": ("Chỉ tiêu phổ cập", "Indicator"),
    "ages": ("Độ tuổi", "Ages"),
    "numerator": ("Số đạt", "Count"),
    "population": ("Dân số độ tuổi", "Population of the ages"),
    "value": ("Tỷ lệ", "Share"),
    "method": ("Cách tính", "Method"),
    "min_m1": ("Mức 1", "Level 1"),
    "min_m2": ("Mức 2", "Level 2"),
    "min_m3": ("Mức 3", "Level 3"),
    "degree_reached": ("Mức đạt", "Level reached"),
    "target": ("Mục tiêu", "Target"),
    "feature": ("Nội dung", "Output"),
    "enabled": ("Đã có dữ liệu", "Enabled"),
    "schools_with_data": ("Số trường có dữ liệu", "Schools with data"),
    "schools": ("Số trường", "Schools"),
    "needs": ("Cần bổ sung", "Needs"),
}

# code -> (Vietnamese, English), for item, size flag, indicator, rate, source, feature values
_CODES: dict[str, tuple[str, str]] = {
    "classroom": ("Xây mới phòng học", "New classrooms"),
    "functional_room": ("Phòng chức năng / bộ môn", "Functional rooms"),
    "permanent_rebuild": ("Kiên cố hóa phòng học", "Rebuild as permanent"),
    "small": ("Dưới quy mô tối thiểu (xem xét sáp nhập)", "Below the minimum (candidate for merging)"),
    "large": ("Vượt quy mô tối đa (tách trường / điểm mới)", "Above the maximum (split or new site)"),
    "ok": ("Trong quy mô chuẩn", "Within the range"),
    "preschool_age5": ("Trẻ 5 tuổi học mẫu giáo", "5-year-olds in preschool"),
    "preschool_3_5": ("Trẻ 3–5 tuổi học mẫu giáo", "3–5-year-olds in preschool"),
    "grade1_age6": ("Trẻ 6 tuổi vào lớp 1", "6-year-olds in grade 1"),
    "primary_completed_age11": ("Trẻ 11 tuổi hoàn thành chương trình tiểu học", "11-year-olds who completed primary"),
    "primary_completed_age14": ("Trẻ 14 tuổi hoàn thành chương trình tiểu học", "14-year-olds who completed primary"),
    "primary_completed_11_14": (
        "Trẻ 11–14 tuổi hoàn thành chương trình tiểu học",
        "11–14-year-olds who completed primary",
    ),
    "thcs_completed_15_18": ("Thanh thiếu niên 15–18 tuổi tốt nghiệp THCS", "15–18-year-olds with the THCS diploma"),
    "participation": ("Tỷ lệ huy động", "Participation"),
    "private_share": ("Tỷ lệ học ngoài công lập", "Private-school share"),
    "progression": ("Hệ số chuyển lớp", "Progression"),
    "data": ("Dữ liệu tuyển sinh thực tế", "Actual enrolment"),
    "data + norm table": ("Dữ liệu thực tế kết hợp định mức", "Enrolment and the norm table"),
    "norm table": ("Bảng định mức", "Norm table"),
    "teacher_shortfall": ("Thiếu giáo viên", "Teacher shortfall"),
    "permanent_share": ("Tỷ lệ phòng học kiên cố", "Permanent classrooms"),
    "functional_rooms": ("Phòng chức năng", "Functional rooms"),
    "land_per_pupil": ("Diện tích đất / học sinh", "Land per pupil"),
    "boarder_land": ("Đất cho học sinh bán trú", "Land for boarders"),
    "semi_boarding": ("Chỗ bán trú mầm non", "Preschool semi-boarding places"),
    "intake_report": ("Báo cáo tuyển sinh 15/8", "15 August intake report"),
    "rates_from_enrolment": ("Tỷ lệ ước tính từ tuyển sinh thực tế", "Rates from actual enrolment"),
    "universal_by_age": ("Phổ cập theo năm sinh", "Universalisation by birth year"),
    "completion_indicators": ("Tỷ lệ hoàn thành tiểu học, tốt nghiệp THCS", "Completion indicators"),
}

# sheet key -> (Vietnamese, English); Excel allows 31 characters
CYCLE_SHEETS: dict[str, tuple[str, str]] = {
    "teachers": ("Giáo viên", "Teachers"),
    "building_by_year": ("Kế hoạch đầu tư theo năm", "Investment by year"),
    "building": ("Xây dựng theo trường", "Building by school"),
    "facilities": ("Cơ sở vật chất", "Facilities"),
    "mixed_classes": ("Lớp ghép", "Mixed classes"),
    "intake": ("Báo cáo tuyển sinh 15-8", "Intake report 15 Aug"),
    "intake_accuracy": ("Độ chính xác dự báo", "Forecast accuracy"),
    "rates": ("Tỷ lệ sử dụng", "Rates used"),
    "universal": ("Phổ cập giáo dục", "Universalisation"),
    "coverage": ("Dữ liệu còn thiếu", "Data to add"),
}

_TEXTS: dict[str, tuple[str, str]] = {
    # report.html sections
    "report.facilities": (
        "Giáo viên, cơ sở vật chất và kinh phí đầu tư đến {horizon}",
        "Teachers, facilities and the investment to {horizon}",
    ),
    "report.facilities_intro": (
        "Số giáo viên cần theo định mức (TT 19/2023, TT 20/2023 — số liệu chưa đối chiếu văn bản gốc), số phòng "
        "cần xây và kinh phí (đơn giá là GIẢ ĐỊNH cho đến khi nhập suất vốn đầu tư của tỉnh vào ward.toml), và "
        "cơ sở vật chất so với chuẩn (TT 13/2020). Chi tiết: capacity_plan.xlsx.",
        "Teachers needed by the staffing norm (TT 19/2023, TT 20/2023 — figures not yet checked against the "
        "official text), rooms to build and their cost (unit costs are ASSUMPTIONS until the province's "
        "investment rates are set in ward.toml) and facilities against the standard (TT 13/2020). Details: "
        "capacity_plan.xlsx.",
    ),
    "report.teachers": (
        "Năm học {year}: cần {needed} giáo viên theo định mức{have}.",
        "School year {year}: {needed} teachers needed by the norm{have}.",
    ),
    "report.teachers_have": ("; hiện có {have}, thiếu {short} ({schools})", "; {have} now, {short} short ({schools})"),
    "report.teachers_enough": ("; hiện có {have}, đủ theo định mức", "; {have} now, enough by the norm"),
    "report.investment": (
        "Đến năm học {horizon}: xây mới {new} phòng học, {functional} phòng chức năng, kiên cố "
        "hóa {rebuild} phòng; tổng kinh phí khoảng {cost} triệu đồng.",
        "To school year {horizon}: {new} new classrooms, {functional} functional rooms, {rebuild} "
        "rooms rebuilt as permanent; about {cost} million VND in all.",
    ),
    "report.permanent": (
        "Tỷ lệ phòng học kiên cố hiện nay {share} (mục tiêu {target} vào năm {year}).",
        "Permanent classrooms now {share} (target {target} by {year}).",
    ),
    "report.land_below": (
        "Trường dưới chuẩn diện tích đất năm {year}: {schools}.",
        "Schools below the land standard in {year}: {schools}.",
    ),
    "report.size_small": (
        "Trường dưới quy mô tối thiểu (xem xét sáp nhập) năm {year}: {schools}.",
        "Schools below the minimum size (candidates for merging) in {year}: {schools}.",
    ),
    "report.size_large": (
        "Trường vượt quy mô tối đa (tách trường hoặc mở điểm mới) năm {year}: {schools}.",
        "Schools above the maximum size (split or open a new site) in {year}: {schools}.",
    ),
    "report.semi_boarding": (
        "Thiếu chỗ bán trú mầm non năm {year}: {schools}.",
        "Preschool semi-boarding places short in {year}: {schools}.",
    ),
    "report.mixed_long": ("Lớp ghép kéo dài trên một năm: {runs}.", "Mixed classes lasting more than a year: {runs}."),
    "report.needs": ("Chưa tính được “{feature}”: cần bổ sung {needs}.", "“{feature}” not computed: add {needs}."),
    "report.investment_table": (
        "Số phòng và kinh phí theo năm học (toàn phường/xã)",
        "Rooms and money by school year (whole ward)",
    ),
    "report.whole_ward": ("Toàn phường/xã", "Whole ward"),
    "report.cycle": ("Kết quả tuyển sinh và phổ cập giáo dục", "Enrolment results and universalisation"),
    "report.cycle_none": (
        "Chưa có tệp enrolment.csv (số học sinh thực tuyển): thêm tệp này để có báo cáo tuyển sinh "
        "15/8, độ chính xác dự báo, tỷ lệ ước tính từ thực tế và các chỉ tiêu phổ cập.",
        "No enrolment.csv (actual enrolment): add it to get the 15 August intake report, the "
        "forecast accuracy achieved, rates estimated from it and the universalisation indicators.",
    ),
    "report.intake": (
        "Năm học {year}, {level}: thực tuyển {actual}, chỉ tiêu {quota}, độ chính xác dự báo {accuracy} "
        "(mục tiêu {target}).",
        "School year {year}, {level}: actual intake {actual}, quota {quota}, forecast accuracy "
        "{accuracy} (target {target}).",
    ),
    "report.rates": (
        "Tỷ lệ dùng cho kế hoạch: {data} tỷ lệ từ dữ liệu thực tế, {mixed} kết hợp với định mức, "
        "{norm} theo bảng định mức, {ward} theo ward.toml (xem sheet “Tỷ lệ sử dụng”).",
        "Rates used by the plan: {data} from actual enrolment, {mixed} combined with the norm table, "
        "{norm} from the norm table, {ward} from ward.toml (sheet “Rates used”).",
    ),
    "report.universal_table": ("Phổ cập giáo dục, năm học {year}", "Universalisation, school year {year}"),
    "report.universal_note": (
        "Mức theo Nghị định 20/2014/NĐ-CP (phổ cập 3–5 tuổi: Nghị quyết 218/2025/QH15, ngưỡng là giả định); tính "
        "từ học sinh các trường trong phường/xã thay cho điều tra phổ cập theo nơi cư trú.",
        "Levels of Nghị định 20/2014/NĐ-CP (ages 3–5: Nghị quyết 218/2025/QH15, threshold assumed); computed from "
        "the pupils of the ward's schools instead of the residents' survey.",
    ),
    "empty": ("Chưa có dữ liệu để lập bảng này. Cần bổ sung: {needs}.", "No data for this table yet. Needed: {needs}."),
    "none": ("Không có.", "None."),
    "yes": ("Có", "Yes"),
    "no": ("Không", "No"),
}

# what each need means for the planner
_NEEDS: dict[str, tuple[str, str]] = {
    "schools.teachers": ("cột teachers (số giáo viên) trong schools.csv", "column teachers in schools.csv"),
    "schools.permanent_classrooms": (
        "cột permanent_classrooms (phòng học kiên cố) trong schools.csv",
        "column permanent_classrooms in schools.csv",
    ),
    "schools.functional_rooms": (
        "cột functional_rooms (phòng chức năng) trong schools.csv",
        "column functional_rooms in schools.csv",
    ),
    "schools.land_m2": ("cột land_m2 (diện tích đất) trong schools.csv", "column land_m2 in schools.csv"),
    "schools.boarders": ("cột boarders (học sinh bán trú/nội trú) trong schools.csv", "column boarders in schools.csv"),
    "schools.semi_boarding_places": (
        "cột semi_boarding_places (chỗ bán trú) trong schools.csv",
        "column semi_boarding_places in schools.csv",
    ),
    "enrolment": ("tệp enrolment.csv (số học sinh thực tuyển)", "the file enrolment.csv (actual enrolment)"),
    "enrolment.school_id": ("tệp enrolment.csv có cột school_id", "enrolment.csv with column school_id"),
    "enrolment.birth_year": ("cột birth_year (năm sinh) trong enrolment.csv", "column birth_year in enrolment.csv"),
    "enrolment.completed": (
        "cột completed (số hoàn thành lớp 5 / tốt nghiệp lớp 9) trong enrolment.csv",
        "column completed in enrolment.csv",
    ),
    "quotas": (
        "tệp quotas_published.csv (chỉ tiêu đã giao năm trước)",
        "the file quotas_published.csv (last year's quotas)",
    ),
}


def column_label(column: str, lang: str = "vi") -> str:
    """The header of a column ('teachers_needed' → 'Giáo viên cần (làm tròn)')."""
    pair = _COLUMNS.get(column)
    return pick(pair, lang) if pair else column


def code_name(code: str, lang: str = "vi") -> str:
    """The name of a code value (item, size flag, indicator, rate, source, feature)."""
    pair = _CODES.get(str(code))
    return pick(pair, lang) if pair else str(code)


def needs_sentence(needs: str, lang: str = "vi") -> str:
    """'schools.teachers, quotas' → the planner's words for each, joined."""
    parts = [n.strip() for n in str(needs).split(",") if n.strip()]
    return "; ".join(pick(_NEEDS[n], lang) if n in _NEEDS else n for n in parts)


def cycle_text(key: str, lang: str = "vi", **fields: object) -> str:
    """A short text of the cycle outputs ('empty', 'none', 'yes', 'no')."""
    return pick(_TEXTS[key], lang).format(**fields)
