"""Every label a planner sees in the outputs of `plan` and `compare`, in one place.

Vietnamese (``lang="vi"``, the default) with correct diacritics, English with ``lang="en"``.
Codes (levels, grades, flags) stay English snake_case in the CSV files; these functions turn
them into the words printed in the Excel workbook, the report, the maps' titles and the
progress lines.
"""

from __future__ import annotations

import unicodedata

from capacity.grades import GRADE_NAMES, GRADES, LEVEL_NAMES, LEVEL_NAMES_SHORT, LEVELS
from capacity.grades import school_year_label as _school_year_label
from tuyensinh.words.core import LANGS, Catalog, check_lang
from tuyensinh.words.core import pick as _pick

__all__ = [
    "LANGS",
    "check_lang",
    "LABELS",
    "say",
    "level_name",
    "grade_name",
    "flag_name",
    "school_year_label",
    "ward_title",
    "kind_name",
    "PLACE_KINDS_EN",
    "LEVEL_ORDER",
    "GRADE_ORDER",
]


LEVEL_ORDER = LEVELS
GRADE_ORDER = GRADES

_LEVELS = LEVEL_NAMES
_LEVELS_SHORT = LEVEL_NAMES_SHORT
_GRADES = GRADE_NAMES
#: The kinds of commune-level units and their English words (ward.toml `kind`; "thị trấn", a
#: township, is the pre-2025 kind still found in older files). The one place this mapping lives.
PLACE_KINDS_EN: dict[str, str] = {
    "phường": "ward",
    "xã": "commune",
    "thị trấn": "township",
    "đặc khu": "special zone",
}
_FLAGS = {
    "ok": ("Đủ phòng", "Enough rooms"),
    "tight": ("Sát công suất", "Tight"),
    "over": ("Thiếu phòng", "Short of rooms"),
}

# key -> (Vietnamese, English); ``{name}`` fields are filled by `say(key, lang, **fields)`.
_TEXT: dict[str, tuple[str, str]] = {
    # progress lines of the plan pipeline
    "step.validate": ("Kiểm tra dữ liệu phường/xã", "Checking the ward folder"),
    "step.forecast": ("Dự báo dân số theo độ tuổi", "Forecasting population by age"),
    "step.demand": ("Tính nhu cầu tuyển sinh", "Computing enrollment demand"),
    "step.zoning": ("Phân tuyến tuyển sinh: {level}", "Enrollment zoning: {level}"),
    "step.zoning_years": ("Phân tuyến từng năm đến {horizon}: {level}", "Zoning each year to {horizon}: {level}"),
    "step.capacity": ("Tính lớp, phòng học và chỉ tiêu", "Classes, classrooms and quotas"),
    "step.charts": ("Vẽ biểu đồ và bản đồ", "Drawing charts and maps"),
    "step.write": ("Ghi kết quả", "Writing outputs"),
    "step.done": ("Xong: kết quả trong {out} ({seconds} giây)", "Done: outputs in {out} ({seconds} s)"),
    "step.scenario": ("Kịch bản: {name}", "Scenario: {name}"),
    # administrative heading of printed documents
    "doc.committee": ("ỦY BAN NHÂN DÂN {kind} {name}", "PEOPLE'S COMMITTEE OF {kind} {name}"),
    "doc.office": ("PHÒNG VĂN HÓA – XÃ HỘI", "CULTURE AND SOCIETY OFFICE"),
    "doc.republic": ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "SOCIALIST REPUBLIC OF VIET NAM"),
    "doc.motto": ("Độc lập – Tự do – Hạnh phúc", "Independence – Freedom – Happiness"),
    "doc.place_date": ("{name}, ngày … tháng … năm {year}", "{name}, … / … / {year}"),
    "doc.prepared_by": ("NGƯỜI LẬP BIỂU", "PREPARED BY"),
    "doc.head_of_office": ("TRƯỞNG PHÒNG VĂN HÓA – XÃ HỘI", "HEAD OF THE CULTURE AND SOCIETY OFFICE"),
    "doc.sign_hint": ("(Ký, ghi rõ họ tên)", "(Signature and full name)"),
    "doc.sign_seal_hint": ("(Ký, ghi rõ họ tên, đóng dấu)", "(Signature, full name and seal)"),
    # quotas workbook
    "xlsx.title": ("CHỈ TIÊU TUYỂN SINH NĂM HỌC {school_year}", "ENROLLMENT QUOTAS, SCHOOL YEAR {school_year}"),
    "xlsx.subtitle": ("Cấp học: {level} – {ward}", "Level: {level} – {ward}"),
    "xlsx.basis": (
        "Căn cứ: dự báo dân số cuối năm {base_year} và phương án phân tuyến tuyển sinh theo địa bàn "
        "năm học {school_year}. Các năm sau là số dự kiến để chuẩn bị phòng học.",
        "Basis: population forecast of December {base_year} and the enrollment zoning for "
        "{school_year}. Later years are projections for classroom planning.",
    ),
    "xlsx.no": ("STT", "No."),
    "xlsx.school": ("Trường", "School"),
    "xlsx.grade": ("Khối/lớp", "Grade/group"),
    "xlsx.school_year": ("Năm học {school_year}", "School year {school_year}"),
    "xlsx.projected": ("Năm học {school_year} (dự kiến)", "School year {school_year} (projected)"),
    "xlsx.pupils": ("Số trẻ/học sinh", "Pupils"),
    "xlsx.classes": ("Số lớp", "Classes"),
    "xlsx.avg_class": ("Sĩ số bình quân", "Average class size"),
    "xlsx.rooms": ("Phòng học hiện có", "Classrooms now"),
    "xlsx.school_total": ("Cộng {school}", "Total {school}"),
    "xlsx.level_total": ("TỔNG CỘNG", "TOTAL"),
    "xlsx.note_pupils": (
        "Số trẻ/học sinh: làm tròn lên từ số dự báo; số lớp theo sĩ số tối đa của Điều lệ trường.",
        "Pupils: forecast rounded up; classes follow the class-size limits of the school charters.",
    ),
    "xlsx.empty": ("Không có trường cấp học này trong dữ liệu.", "No school of this level in the data."),
    # report
    "report.title": ("Kế hoạch tuyển sinh và phòng học – {ward}", "Enrollment and classroom plan – {ward}"),
    "report.subtitle": (
        "Dự báo cuối năm {base_year}; phân tuyến năm học {school_year}; phòng học đến năm học {horizon_label}",
        "Forecast of December {base_year}; zoning for {school_year}; classrooms to {horizon_label}",
    ),
    "report.summary": ("Tóm tắt", "Summary"),
    "report.flags": ("Những điểm cần chú ý", "Points to act on"),
    "report.pupils_line": ("Năm học {school_year}: dự kiến {parts}", "School year {school_year}: expected {parts}"),
    "report.pupils_part": ("{pupils:,.0f} {who} {level}", "{pupils:,.0f} {level} {who}"),
    "report.who_children": ("trẻ", "children"),
    "report.who_pupils": ("học sinh", "pupils"),
    "report.yearly_line": (
        "Nếu phân tuyến lại mỗi năm (kể cả khi trường mới mở), năm thiếu nhiều nhất: {parts}",
        "If the zones are redrawn every year (including when new schools open), worst year: {parts}",
    ),
    "report.yearly_part": ("{level} thiếu {rooms} phòng", "{level} {rooms} room(s) short"),
    "report.yearly_none": (
        "Nếu phân tuyến lại mỗi năm (kể cả khi trường mới mở), mọi cấp học đủ phòng đến năm học {horizon_label}",
        "If the zones are redrawn every year (including when new schools open), every level has "
        "enough rooms up to {horizon_label}",
    ),
    "report.no_flags": (
        "Không trường nào thiếu phòng hay sát công suất đến năm học {horizon_label}.",
        "No school runs short of rooms or close to capacity up to {horizon_label}.",
    ),
    "report.forecast": ("Dự báo dân số độ tuổi đi học", "School-age population forecast"),
    "report.forecast_note": (
        "Đường giữa là số dự báo; số thực tế nằm trong dải đậm 8 trong 10 khả năng, trong dải nhạt "
        "19 trong 20 khả năng.",
        "The line is the forecast; the real count falls in the dark band 8 times in 10, in the light "
        "band 19 times in 20.",
    ),
    "report.zoning": ("Phân tuyến tuyển sinh năm học {school_year}", "Enrollment zoning for {school_year}"),
    "report.capacity": (
        "Mức sử dụng phòng học và thiếu phòng đến năm học {horizon_label}",
        "Classroom utilization and shortfall to {horizon_label}",
    ),
    "report.quotas": ("Chỉ tiêu tuyển sinh năm học {school_year}", "Enrollment quotas for {school_year}"),
    "report.zonings_compared": ("Thiếu phòng theo phương án phân tuyến", "Rooms short by zoning option"),
    "report.zoning_proposed": (
        "Phân tuyến đề xuất (giữ từ năm học {school_year}, phân tuyến lại năm có trường mở hoặc đóng)",
        "Proposed zoning (kept from {school_year}, redrawn in a year a school opens or closes)",
    ),
    "report.zoning_current": ("Phân tuyến hiện hành (zones.csv)", "Current zoning (zones.csv)"),
    "report.zoning_yearly": ("Phân tuyến lại từng năm", "Rezoned every year"),
    "report.solver": ("Thông tin kỹ thuật", "Technical details"),
    "report.footer": (
        "Tạo bởi tuyensinh {version} lúc {created}. Dữ liệu đầu vào và thiết lập: manifest.json.",
        "Made by tuyensinh {version} at {created}. Inputs and settings: manifest.json.",
    ),
    "report.changes": ("Khu phố/thôn đổi trường so với hiện hành", "Quarters moved from their current school"),
    "report.no_changes": ("Không khu phố/thôn nào đổi trường.", "No quarter changes school."),
    # how accurate the forecast has been (tuyensinh.plan.accuracy)
    "step.accuracy": ("Đánh giá độ tin cậy của dự báo trên số liệu các năm trước", "Measuring past forecast accuracy"),
    "report.accuracy": ("Độ tin cậy của dự báo", "How accurate the forecast has been"),
    "report.accuracy_intro": (
        "Dự báo được chạy lại từ mỗi năm {first}–{last}, chỉ dùng số liệu đến năm đó (đúng như "
        "dự báo đã được lập vào tháng 12 năm ấy), rồi so với số trẻ thực tế các năm sau. Số trẻ "
        "và số lớp của các khối đầu cấp được tính theo tỷ lệ huy động, tỷ lệ học trường tư và sĩ "
        "số tối đa như trong kế hoạch này.",
        "The forecast was re-run from every year {first}–{last} with only the data up to that "
        "year (exactly what the December forecast of that year would have said) and compared "
        "with the children actually counted later. Pupils and classes of the entry grades use "
        "the same participation, private-school shares and class-size limits as this plan.",
    ),
    "report.accuracy_none": (
        "Chưa đủ số năm số liệu dân số để đánh giá độ tin cậy của dự báo (cần ít nhất 6 năm).",
        "Not enough years of population data to measure the forecast's past accuracy (at least 6 are needed).",
    ),
    "report.accuracy_table": (
        "Độ chính xác theo khối đầu cấp và số năm dự báo trước",
        "Accuracy by entry grade and years ahead",
    ),
    "report.accuracy_note": (
        "Số trẻ đúng 98% nghĩa là số dự báo lệch trung bình khoảng 2% so với số trẻ thực tế. Số "
        'lớp = số trẻ chia sĩ số tối đa, làm tròn lên; "8/10" là 8 trong 10 lần dự báo. Từng '
        "trường: vùng tuyển sinh hiện hành (zones.csv). Cách đơn giản: tỷ số giữa các độ tuổi "
        "của 5 năm gần nhất; giữ nguyên: lấy số trẻ cùng tuổi của năm lập dự báo (cách tính: "
        "xem Phụ lục). Tỷ lệ huy động và học trường tư giữ như kế hoạch, nên chỉ sai số của dự "
        "báo dân số được đo.",
        "Pupils 98% accurate means the forecast was off by about 2% on average from the children "
        'counted. Classes = pupils divided by the class-size limit, rounded up; "8/10" means 8 '
        "forecasts out of 10. Per school: the current zones (zones.csv). Simple calculation: "
        "the ratios between ages over the last 5 years; kept: the count of the same age in the "
        "forecast year (how they are computed: see the Appendix). Participation and private "
        "shares are held as in the plan, so only the population forecast's error is measured.",
    ),
    "accuracy.place_ward": ("cả {kind}", "the whole {kind}"),
    "accuracy.sentence": (
        "Dự báo số {who} vào {grade} của {place}, {horizon} năm trước, đúng khoảng {accuracy}%; "
        "số lớp đúng {exact}/{n} lần, lệch không quá 1 lớp {within}/{n} lần",
        "The forecast of {who} entering {grade} in {place}, {horizon} year(s) ahead, has been "
        "about {accuracy}% accurate; the number of classes was exactly right {exact} times out "
        "of {n} and within 1 class {within} times out of {n}",
    ),
    "accuracy.baseline_part": (
        " (nếu giữ nguyên số trẻ năm lập dự báo: đúng khoảng {accuracy}%, số lớp đúng {exact}/{n} lần)",
        " (keeping the count of the forecast year: about {accuracy}% accurate, classes exactly "
        "right {exact} times out of {n})",
    ),
    "accuracy.school_line": (
        "Theo từng trường (vùng tuyển sinh hiện hành), {horizon} năm trước: {parts}",
        "Per school (current zones), {horizon} year(s) ahead: {parts}",
    ),
    "accuracy.school_part": (
        "{grade} đúng khoảng {accuracy}%, số lớp đúng {exact}% số lần, lệch không quá 1 lớp {within}% số lần",
        "{grade} about {accuracy}% accurate, classes exactly right {exact}% of the time and "
        "within 1 class {within}% of the time",
    ),
    "accuracy.col_horizon": ("Dự báo trước (năm)", "Years ahead"),
    "accuracy.col_ward_pupils": ("Cả phường/xã: số trẻ đúng", "Whole ward: pupils accuracy"),
    "accuracy.col_ward_exact": ("Cả phường/xã: số lớp đúng", "Whole ward: classes exact"),
    "accuracy.col_ward_within": ("Cả phường/xã: lệch ≤ 1 lớp", "Whole ward: classes within 1"),
    "accuracy.col_school_pupils": ("Từng trường: số trẻ đúng", "Per school: pupils accuracy"),
    "accuracy.col_school_exact": ("Từng trường: số lớp đúng", "Per school: classes exact"),
    "accuracy.col_school_within": ("Từng trường: lệch ≤ 1 lớp", "Per school: classes within 1"),
    "accuracy.col_naive_pupils": ("Giữ nguyên: số trẻ đúng", "Kept: pupils accuracy"),
    "accuracy.col_naive_exact": ("Giữ nguyên: số lớp đúng", "Kept: classes exact"),
    # the printout of `tuyensinh backtest` (the cell-level tables are worded in forecast.backtest)
    "backtest.heading": (
        "Kiểm tra độ chính xác của dự báo trên số liệu các năm trước – {place}: dự báo lập từ các năm "
        "{first}–{last}, dự báo trước 1–{horizon} năm, độ tuổi 0–{max_age}",
        "Backtest of the forecast on past data – {place}: forecasts made in {first}–{last}, "
        "{horizon} year(s) ahead at most, ages 0–{max_age}",
    ),
    "backtest.ward_block": (
        "=== Tổng của cả {kind} (số liệu kế hoạch công bố): cộng các khu phố/thôn, các độ tuổi vào lớp đầu "
        "cấp {ages} ===",
        "=== Totals of the whole {kind} (what a planner publishes): quarters summed, entry ages {ages} ===",
    ),
    "backtest.accuracy_horizon": (
        "Độ chính xác (%, 100 − MAPE của tổng cả {kind}) theo số năm dự báo trước",
        "Accuracy (%, 100 − MAPE of {kind} totals) by horizon",
    ),
    "backtest.wmape_horizon": (
        "MAPE có trọng số (%) của tổng cả {kind} theo số năm dự báo trước",
        "Weighted MAPE (%) of {kind} totals by horizon",
    ),
    "backtest.malpe_horizon": (
        "MALPE (%, độ lệch) của tổng cả {kind} theo số năm dự báo trước",
        "MALPE (%, bias) of {kind} totals by horizon",
    ),
    "backtest.accuracy_age": (
        "Độ chính xác (%, 100 − MAPE của tổng cả {kind}) theo độ tuổi vào lớp đầu cấp",
        "Accuracy (%, 100 − MAPE of {kind} totals) by entry age",
    ),
    "backtest.age": ("Tuổi", "Age"),
    "backtest.method": ("Phương pháp", "Method"),
    "backtest.written": ("Đã ghi: {files}", "Written: {files}"),
    "backtest.population_only": (
        "Chỉ có số liệu dân số (không có schools.csv và bản đồ khu phố/thôn): bỏ qua phần số học sinh và "
        "số lớp của các lớp đầu cấp theo trường.",
        "Population data only (no schools.csv and quarters map): the entry-grade pupils and classes per "
        "school are left out.",
    ),
    "backtest.max_horizon": (
        "--max-horizon phải ít nhất là 1 năm (đang là {value})",
        "--max-horizon must be at least 1 year (got {value})",
    ),
    "accuracy.print_intro": (
        "Các khối đầu cấp tính theo đơn vị của kế hoạch (số trẻ = số người × tỷ lệ huy động × (1 − tỷ lệ học "
        "trường tư); số lớp = số trẻ chia sĩ số tối đa, làm tròn lên); dự báo lập từ các năm {first}–{last}",
        "Entry grades in the planner's units (pupils = persons × participation × (1 − private share); "
        "classes = ceil(pupils / class-size limit)); forecasts made in {first}–{last}",
    ),
    "accuracy.print_none": (
        "Các khối đầu cấp: không có năm lập dự báo nào được chấm",
        "Entry grades: no origin scored",
    ),
    "accuracy.print_ward": ("cả {kind}", "whole {kind}"),
    "accuracy.print_school": (
        "từng trường theo vùng tuyển sinh hiện hành",
        "school catchments under the current zones",
    ),
    "accuracy.print_accuracy": (
        "Độ chính xác số trẻ/học sinh (%, 100 − MAPE), {scope}",
        "Accuracy of pupils (%, 100 − MAPE), {scope}",
    ),
    "accuracy.print_exact": (
        "Số lớp đúng hoàn toàn (% số lần dự báo), {scope}",
        "Class count exactly right (% of forecasts), {scope}",
    ),
    "accuracy.print_within": (
        "Số lớp lệch không quá ±1 lớp (% số lần dự báo), {scope}",
        "Class count within ±1 class (% of forecasts), {scope}",
    ),
    # plain-language flags
    "flag.short": (
        "{school} thiếu {rooms} phòng học từ năm học {school_year}",
        "{school} is {rooms} classroom(s) short from {school_year}",
    ),
    "flag.short_grows": (
        "{school} thiếu {rooms} phòng học từ năm học {school_year}, đến năm học {last_year} thiếu {last_rooms} phòng",
        "{school} is {rooms} classroom(s) short from {school_year}, {last_rooms} by {last_year}",
    ),
    "flag.tight": (
        "{school} sát công suất năm học {school_year}: dùng {use:.0%} phòng học, khả năng quá tải {p:.0%}",
        "{school} is close to capacity in {school_year}: {use:.0%} of rooms used, {p:.0%} chance of overload",
    ),
    "flag.underused": (
        "{school} chỉ dùng {use:.0%} phòng học năm học {school_year}: sĩ số bình quân {size:.0f} {who}/lớp",
        "{school} uses only {use:.0%} of its rooms in {school_year}: {size:.0f} {who} per class on average",
    ),
    "flag.overflow_clause": (
        "; phân tuyến năm học {school_year} còn {pupils:.0f} trẻ/học sinh vượt sức chứa",
        "; the zoning of {school_year} leaves {pupils:.0f} pupils above its capacity",
    ),
    "flag.overflow": (
        "Phân tuyến năm học {school_year} ({level}): {pupils:.0f} trẻ/học sinh vượt sức chứa của {school}",
        "Zoning {school_year} ({level}): {pupils:.0f} pupils above the capacity of {school}",
    ),
    "flag.closed_with_pupils": (
        "{school} không còn hoạt động từ năm học {school_year} nhưng theo phân tuyến đang giữ vẫn có "
        "{pupils:,.0f} trẻ/học sinh: cần phân tuyến lại các khu phố/thôn của trường",
        "{school} is closed from {school_year} but the zones kept would still send it {pupils:,.0f} "
        "pupils: its quarters need new zones",
    ),
    "flag.ward_short": (
        "Cấp {level}: cần thêm {rooms} phòng học đến năm học {school_year}",
        "{level}: {rooms} new classroom(s) needed by {school_year}",
    ),
    # table headers
    "col.school": ("Trường", "School"),
    "col.level": ("Cấp học", "Level"),
    "col.grade": ("Khối/lớp", "Grade"),
    "col.school_year": ("Năm học", "School year"),
    "col.pupils": ("Số trẻ/học sinh", "Pupils"),
    "col.classes": ("Số lớp", "Classes"),
    "col.rooms_needed": ("Phòng cần", "Rooms needed"),
    "col.rooms_available": ("Phòng hiện có", "Rooms available"),
    "col.room_shortfall": ("Thiếu phòng", "Rooms short"),
    "col.utilization": ("Mức sử dụng phòng học", "Classroom utilization"),
    "col.p_over": ("Khả năng quá tải", "Chance of overload"),
    "col.flag": ("Đánh giá", "Assessment"),
    "col.quarter": ("Khu phố/thôn", "Quarter"),
    "col.from_school": ("Trường hiện hành", "Current school"),
    "col.to_school": ("Trường đề xuất", "Proposed school"),
    "col.distance": ("Khoảng cách (m)", "Distance (m)"),
    "col.scenario": ("Kịch bản", "Scenario"),
    "col.pupil_km": ("Học sinh × km", "Pupil-km"),
    "col.status": ("Trạng thái", "Status"),
    # solver statuses (zoning.SolverReport.status) in the report's solver table
    "status.optimal": ("Tối ưu", "Optimal"),
    "status.feasible": ("Khả thi, chưa chứng minh tối ưu", "Feasible, not proven optimal"),
    "col.gap": ("Sai số tối ưu", "Optimality gap"),
    "col.seconds": ("Thời gian (giây)", "Time (s)"),
    "col.zoning": ("Phương án", "Zoning"),
    "col.total": ("Tổng", "Total"),
    "scenario.baseline": ("Phương án gốc", "Baseline"),
    # --- which zones a figure assumes; one meaning of utilization (issue 16, consistency) ---
    "zones.proposed": ("theo tuyến đề xuất", "proposed zones"),
    "zones.current": ("theo tuyến hiện hành", "current zones"),
    "col.room_shortfall_proposed": ("Thiếu phòng (theo tuyến đề xuất)", "Rooms short (proposed zones)"),
    "col.room_shortfall_current": ("Thiếu phòng (theo tuyến hiện hành)", "Rooms short (current zones)"),
    "col.seat_fill": ("Tỷ lệ lấp đầy chỗ học", "Seat fill"),
    "flag.ward_short_zones": (
        "Cấp {level} ({zones}): cần thêm {rooms} phòng học đến năm học {school_year}",
        "{level} ({zones}): {rooms} new classroom(s) needed by {school_year}",
    ),
    "report.capacity_zones": (
        "Các số của phần này tính theo tuyến đề xuất (zones.csv trong thư mục kết quả, phân tuyến lại "
        "từ năm học có trường mở hoặc đóng). Cột «Thiếu phòng (theo tuyến hiện hành)» tính với tuyến "
        "đang áp dụng (zones.csv của phường/xã), như lệnh tuyensinh capacity. Mức sử dụng phòng học = "
        "số phòng học cần (lớp đủ theo sĩ số tối đa) ÷ số phòng học hiện có: trên 100% là thiếu phòng.",
        "The figures of this section assume the proposed zones (zones.csv in the output folder, redrawn "
        "from a school year in which a school opens or closes). The column “Rooms short (current "
        "zones)” uses the zones in force (the ward folder's zones.csv), as tuyensinh capacity does. "
        "Classroom utilization = classrooms needed (whole classes at the size limits) ÷ classrooms "
        "available: above 100% means rooms are short.",
    ),
    "report.capacity_zones_proposed_only": (
        "Các số của phần này tính theo tuyến đề xuất (zones.csv trong thư mục kết quả, phân tuyến lại "
        "từ năm học có trường mở hoặc đóng); phường/xã chưa có tuyến hiện hành (zones.csv). Mức sử "
        "dụng phòng học = số phòng học cần (lớp đủ theo sĩ số tối đa) ÷ số phòng học hiện có: trên "
        "100% là thiếu phòng.",
        "The figures of this section assume the proposed zones (zones.csv in the output folder, "
        "redrawn from a school year in which a school opens or closes); the ward has no current "
        "zones (zones.csv). Classroom utilization = classrooms needed (whole classes at the size "
        "limits) ÷ classrooms available: above 100% means rooms are short.",
    ),
    "zones.given": ("theo tuyến trong tệp --zones", "zones of the --zones file"),
    "xlsx.zones": ("Các số tính {zones}.", "Figures assume the {zones}."),
    "rezone.opens": ("{school} mở", "{school} opens"),
    "rezone.closes": ("{school} ngừng hoạt động", "{school} closes"),
    "rezone.sentence": (
        "Năm học {school_year} ({events}): tuyến đề xuất được lập lại từ năm học này, {moved} khu "
        "phố/thôn đổi trường (tuyến từng năm: zones_proposed_by_year.csv).",
        "{school_year} ({events}): the proposed zones are drawn again from this school year, "
        "{moved} quarter(s) change school (zones of each year: zones_proposed_by_year.csv).",
    ),
    # --- end of the consistency block ---
}


#: The labels as a `Catalog`.
LABELS = Catalog(__name__, _TEXT)


def say(key: str, /, lang: str = "vi", **fields: object) -> str:
    """The label `key` in `lang`, with its ``{fields}`` filled in."""
    return LABELS.say(key, lang, **fields)


def level_name(level: str, lang: str = "vi", short: bool = False) -> str:
    """'Tiểu học' / 'Primary' for 'tieu_hoc' (short: 'tiểu học', 'THCS' for use inside a sentence)."""
    table = _LEVELS_SHORT if short else _LEVELS
    return _pick(table[level], lang) if level in table else level


def grade_name(grade: str, lang: str = "vi") -> str:
    """'Lớp 1' / 'Grade 1' for 'lop_1'; 'Mẫu giáo 5–6 tuổi' for 'mg_5_6'."""
    return _pick(_GRADES[grade], lang) if grade in _GRADES else grade


def flag_name(flag: str, lang: str = "vi") -> str:
    """'Thiếu phòng' / 'Short of rooms' for the capacity flag 'over'."""
    return _pick(_FLAGS[flag], lang) if flag in _FLAGS else str(flag)


def school_year_label(year: int, lang: str = "vi") -> str:
    """'2027–2028' for the school year starting in September 2027 (same in both languages)."""
    check_lang(lang)
    return _school_year_label(year)


def kind_name(kind: str, lang: str = "vi") -> str:
    """The kind of a ward in `lang`, lower case, for use inside a sentence: 'phường' / 'ward',
    'xã' / 'commune', 'thị trấn' / 'township', 'đặc khu' / 'special zone' (`PLACE_KINDS_EN`;
    any case and Unicode form is accepted). A kind not in the table is returned as written."""
    check_lang(lang)
    written = " ".join(unicodedata.normalize("NFC", kind or "").split())
    if lang == "vi":
        return written.lower()
    return PLACE_KINDS_EN.get(written.lower(), written)


def ward_title(kind: str, name: str, lang: str = "vi") -> str:
    """'Phường Phước Bình' in Vietnamese; 'Phước Bình ward' in English ('Thị trấn X' → 'X township')."""
    if lang == "en":
        return f"{name} {kind_name(kind, lang)}".strip()
    check_lang(lang)
    kind = (kind or "").strip()
    return f"{kind[:1].upper()}{kind[1:]} {name}".strip()
