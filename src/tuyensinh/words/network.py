"""What `tuyensinh network` says: the ward folder's network tables, the printed lines, the report.

The network engines (`zoning.sites`, `zoning.closures`, `zoning.constraints`) return records;
every sentence a planner reads about them is worded here, Vietnamese first.
"""

from __future__ import annotations

from tuyensinh.words.core import Catalog

__all__ = ["NETWORK", "say", "text", "CONFLICT_REASONS", "CLOSURE_REASONS", "KIND_NAMES"]

NETWORK = Catalog(
    __name__,
    {
        # problems of candidates.csv, constraints.csv, neighbours.csv
        "table.site_is_school": (
            "site_id '{value}' đã là mã của một trường trong schools.csv",
            "site_id '{value}' is already the id of a school in schools.csv",
        ),
        "fix.table.site_is_school": (
            "đặt cho địa điểm dự kiến một mã riêng, khác mọi school_id (ví dụ DD01)",
            "give the candidate site its own id, different from every school_id (e.g. DD01)",
        ),
        "table.neighbour_is_school": (
            "school_id '{value}' của trường phường/xã lân cận trùng với một trường trong "
            "schools.csv hoặc một địa điểm dự kiến",
            "the neighbouring ward's school_id '{value}' is also a school of schools.csv or a candidate site",
        ),
        "fix.table.neighbour_is_school": (
            "đặt cho trường lân cận một mã riêng (ví dụ LC01)",
            "give the neighbouring school its own id (e.g. LC01)",
        ),
        "table.site_years_differ": (
            "địa điểm '{value}' có nhiều năm sớm nhất (earliest_year) khác nhau",
            "site '{value}' has different earliest years (earliest_year) on its rows",
        ),
        "fix.table.site_years_differ": (
            "ghi cùng một earliest_year trên mọi dòng (mỗi dòng là một phương án số phòng) của địa điểm",
            "write the same earliest_year on every row (each row is one room option) of the site",
        ),
        "table.must_open_word": (
            "must_open phải là có/không (yes/no, 1/0); ô này ghi '{value}'",
            "must_open must be yes or no (có/không, 1/0); the cell holds '{value}'",
        ),
        "fix.table.must_open_word": (
            "ghi 'có' nếu địa điểm bắt buộc phải xây, để trống hoặc 'không' nếu không",
            "write 'yes' when the site must be built, leave it empty or 'no' otherwise",
        ),
        "table.constraint_kind": (
            "kind phải là must (bắt buộc), forbid (cấm), max_distance (khoảng cách tối đa) hoặc "
            "feeder (liên thông tiểu học → THCS); ô này ghi '{value}'",
            "kind must be must, forbid, max_distance or feeder; the cell holds '{value}'",
        ),
        "fix.table.constraint_kind": (
            "sửa cột kind thành một trong bốn giá trị trên",
            "set the kind column to one of the four values",
        ),
        "table.constraint_pair": (
            "dòng {kind} cần cả quarter_id và school_id",
            "a {kind} row needs both quarter_id and school_id",
        ),
        "fix.table.constraint_pair": (
            "ghi khu phố/thôn (quarter_id) và trường (school_id) của cặp ràng buộc",
            "write the quarter (quarter_id) and the school (school_id) of the pair",
        ),
        "table.constraint_distance": (
            "dòng max_distance cần cấp học (level) và số mét (metres) lớn hơn 0",
            "a max_distance row needs a level and metres above 0",
        ),
        "fix.table.constraint_distance": (
            "ghi cấp học và khoảng cách tối đa tính bằng mét, ví dụ tieu_hoc, 1500",
            "write the level and the longest distance in metres, e.g. tieu_hoc, 1500",
        ),
        "table.constraint_feeder": (
            "dòng feeder (liên thông) cần zones.csv có phân tuyến tiểu học để biết khu phố/thôn "
            "nào cùng một trường tiểu học",
            "a feeder row needs zones.csv with the primary zoning, to know which quarters share a primary school",
        ),
        "fix.table.constraint_feeder": (
            "thêm zones.csv với các dòng cấp tieu_hoc, hoặc xóa dòng feeder",
            "add zones.csv with the tieu_hoc rows, or delete the feeder row",
        ),
        "noun.school_or_site": (
            "trường, địa điểm dự kiến hoặc trường lân cận",
            "school, candidate site or neighbouring school",
        ),
        "noun.quarter": ("khu phố/thôn", "quarter"),
        # what the command prints
        "progress.forecast": (
            "Dự báo dân số và nhu cầu tuyển sinh ({place})…",
            "Forecasting population and enrollment demand ({place})…",
        ),
        "progress.plan": ("Chọn địa điểm xây trường, {years}…", "Choosing school sites, {years}…"),
        "progress.curve": ("Đường cong ngân sách ({n} mức)…", "Budget trade-off curve ({n} budgets)…"),
        "progress.closures": ("Rà soát {n} trường nhỏ/điểm trường lẻ…", "Reviewing {n} small schools/satellite sites…"),
        "written": ("{out}: {files}", "{out}: {files}"),
        "summary.sites": (
            "Mở {n} địa điểm, tổng chi phí {cost} tỷ đồng; quãng đường đi học giảm {saving} "
            "(học sinh × km, cả giai đoạn); học sinh vượt sức chứa: {over}.",
            "{n} site(s) opened for {cost} billion VND; travel down by {saving} (pupil-km, all "
            "years); pupils over capacity: {over}.",
        ),
        "summary.status": (
            "Lời giải: {status} (cách cận dưới tối đa {gap}, {seconds} giây).",
            "Solver: {status} (at most {gap} above the bound, {seconds} s).",
        ),
        "summary.parts": (
            "  Phân vùng tuyển sinh theo các địa điểm đã chọn: chứng minh tối ưu {proven}/{parts} phần"
            " (cấp học × năm học); khoảng cách còn lại nằm ở {rest}.",
            "  Zoning of the chosen sites: proven optimal in {proven} of {parts} parts (level × school year);"
            " the gap left lies in {rest}.",
        ),
        "parts.rest_sites": ("việc chọn địa điểm", "the choice of sites"),
        "parts.rest_both": (
            "việc chọn địa điểm và phân vùng của các phần chưa chứng minh",
            "the choice of sites and the zoning of the parts not proven",
        ),
        "status.optimal": ("tối ưu", "optimal"),
        "status.feasible": ("chưa chứng minh tối ưu", "not proven optimal"),
        "status.infeasible": ("không có phương án thỏa mọi ràng buộc", "no plan meets every constraint"),
        "status.no_solution": ("chưa tìm được phương án trong thời gian cho phép", "no plan found in time"),
        "site.line": (
            "  + {name} ({site}, {level}): {rooms} phòng từ năm học {year}, {cost} tỷ đồng, {pupils} học sinh "
            "năm {last}",
            "  + {name} ({site}, {level}): {rooms} rooms from {year}, {cost} billion VND, {pupils} pupils in {last}",
        ),
        "conflict.line": (
            "  ! Ràng buộc {constraint} ({level}) khu phố/thôn {quarter}, trường {school}: {reason} — {action}.",
            "  ! Constraint {constraint} ({level}) quarter {quarter}, school {school}: {reason} — {action}.",
        ),
        "closure.line": (
            "  − Đóng {closed}{host}: {verdict}; tổng quãng đường {before} → {after} học sinh × km, "
            "{longer} khu phố/thôn đi xa hơn (tối đa thêm {increase} m){refused}.",
            "  − Close {closed}{host}: {verdict}; travel {before} → {after} pupil-km, {longer} "
            "quarter(s) farther (up to {increase} m more){refused}.",
        ),
        "closure.host": (" (sáp nhập vào {host})", " (merged into {host})"),
        "closure.allowed": ("được", "allowed"),
        "closure.trip_rule": (
            "không được — làm tăng quãng đường quá quy định",
            "refused — trips longer than the rule allows",
        ),
        "closure.overflow": ("không được — thêm học sinh vượt sức chứa", "refused — more pupils over capacity"),
        "closure.infeasible": ("không được — không có phương án", "refused — no plan possible"),
        "closure.refused": ("; khu phố/thôn vi phạm: {quarters}", "; quarters breaking it: {quarters}"),
        "closure.best": (
            "  Phương án đóng/sáp nhập tốt nhất: {schools}.",
            "  Best combination of closures: {schools}.",
        ),
        "closure.none": (
            "  Không đóng/sáp nhập được trường nào mà vẫn giữ quãng đường đi học trong giới hạn và không thêm học sinh "
            "vượt sức chứa.",
            "  No school can close with every trip within the rule and no more pupils over capacity.",
        ),
        # the report section and the map
        "report.title": (
            "Mạng lưới trường học: xây mới, sáp nhập, ràng buộc của địa phương",
            "The school network: new sites, mergers, the ward's own constraints",
        ),
        "report.sites": ("Địa điểm xây mới được chọn", "New sites chosen"),
        "report.no_sites": ("Không mở địa điểm mới nào với ngân sách này.", "No new site opens within this budget."),
        "report.curve": ("Ngân sách và quãng đường đi học", "Budget and travel"),
        "report.closures": ("Rà soát trường nhỏ và điểm trường lẻ", "Small schools and satellite sites"),
        "report.conflicts": ("Ràng buộc không thể đáp ứng đầy đủ", "Constraints that could not all hold"),
        "report.neighbours": ("Học sinh học tại trường phường/xã lân cận", "Pupils at schools of neighbouring wards"),
        "report.changed": ("Khu phố/thôn đổi trường năm học {year}", "Quarters changing school in {year}"),
        "col.site": ("Địa điểm", "Site"),
        "col.level": ("Cấp học", "Level"),
        "col.opens": ("Năm học mở", "Opens"),
        "col.rooms": ("Số phòng", "Rooms"),
        "col.cost": ("Chi phí (tỷ đồng)", "Cost (billion VND)"),
        "col.pupils": ("Học sinh (năm cuối)", "Pupils (last year)"),
        "col.budget": ("Ngân sách", "Budget"),
        "col.sites": ("Số địa điểm", "Sites"),
        "col.km": ("Học sinh × km", "Pupil-km"),
        "col.over": ("Vượt sức chứa", "Over capacity"),
        "col.scenario": ("Phương án", "Scenario"),
        "col.verdict": ("Kết luận", "Verdict"),
        "col.quarter": ("Khu phố/thôn", "Quarter"),
        "col.school": ("Trường", "School"),
        "col.ward": ("Phường/xã", "Ward"),
        "col.reason": ("Lý do", "Reason"),
        "col.before": ("Trước", "Before"),
        "col.after": ("Sau", "After"),
        "map.title": ("{place}: địa điểm xây mới và phân tuyến năm học {year}", "{place}: new sites and zones, {year}"),
        "map.existing": ("trường hiện có", "existing school"),
        "map.new": ("địa điểm xây mới", "new site"),
        "map.unused": ("địa điểm không chọn", "site not chosen"),
        "map.changed": ("khu phố/thôn đổi trường", "quarter changing school"),
        "map.neighbour": ("trường lân cận", "neighbouring school"),
    },
)

say = NETWORK.say
text = NETWORK.text

#: The engines' conflict reasons and actions, as the planner reads them.
CONFLICT_REASONS: dict[str, tuple[str, str]] = {
    "unknown_quarter": ("khu phố/thôn không có trong bản đồ", "the quarter is not on the map"),
    "unknown_school": ("trường không có trong danh sách", "the school is not listed"),
    "must_and_forbidden": ("cặp vừa bắt buộc vừa bị cấm", "the pair is both required and forbidden"),
    "must_beyond_max_distance": (
        "trường bắt buộc xa hơn khoảng cách tối đa",
        "the required school lies beyond the maximum distance",
    ),
    "two_must_schools": ("khu phố/thôn bị bắt buộc vào hai trường", "the quarter is required at two schools"),
    "no_school_left": ("không còn trường nào được phép", "no school is left allowed"),
    "only_candidate_sites": ("chỉ còn địa điểm dự kiến trong phạm vi", "only candidate sites are in reach"),
    "feeder_must_disagree": (
        "các khu phố/thôn cùng trường tiểu học bị bắt buộc vào các trường THCS khác nhau",
        "quarters of one primary zone are required at different THCS",
    ),
    "feeder_no_common_school": ("không có trường THCS chung cho cả nhóm", "no THCS all the group may reach"),
    "must_at_closed_school": ("trường bắt buộc bị đóng", "the required school is closed"),
    "must_open_too_late": (
        "địa điểm bắt buộc chỉ mở được sau năm cuối",
        "the required site can only open after the horizon",
    ),
    "must_open_over_budget": ("các địa điểm bắt buộc vượt ngân sách", "the required sites cost more than the budget"),
    "infeasible": ("làm bài toán vô nghiệm", "makes the problem infeasible"),
    "ignored": ("bỏ qua", "ignored"),
    "dropped": ("bỏ ràng buộc này", "constraint dropped"),
    "kept_nearest": ("giữ trường gần nhất", "nearest school kept"),
    "none": ("cần sửa ràng buộc", "fix the constraint"),
}
CLOSURE_REASONS = ("trip_rule", "overflow", "infeasible")
KIND_NAMES: dict[str, tuple[str, str]] = {
    "existing": ("hiện có", "existing"),
    "candidate": ("xây mới", "new site"),
    "neighbour": ("lân cận", "neighbouring ward"),
}
