"""Words a planner reads from zoning, Vietnamese (default) and English: the map labels and the
zoning notes and errors (`zoning.notes`). The lines `tuyensinh zone` prints are the app's
(`tuyensinh.words.zone`).

(zoning may not import tuyensinh, so its labels live here; level names come from
`capacity.grades`, the one place they are kept.) `SCRIPT_TEXT` holds the fixed English of
`ZoningResult.notes` and of `str(ZoningError)`, which scripts and solver.json read: do not
reword it.
"""

from __future__ import annotations

from collections.abc import Sequence

from capacity.grades import LEVEL_NAMES, LEVEL_NAMES_SHORT, school_year_label
from forecast.langs import check_lang, format_number

__all__ = ["map_text", "level_label", "level_in_sentence", "school_years_text", "number", "percent", "SCRIPT_TEXT"]

_LEVELS = LEVEL_NAMES

_TEXT: dict[str, tuple[str, str]] = {
    "title": ("Phân tuyến tuyển sinh cấp {level} – năm học {year}", "Enrollment zones, {level} – school year {year}"),
    "title_years": (
        "Phân tuyến tuyển sinh cấp {level} – các năm học {first} đến {last}",
        "Enrollment zones, {level} – school years {first} to {last}",
    ),
    "school_entry": (
        "{name}\n{pupils} HS · {classes} lớp · dùng {use} phòng học",
        "{name}\n{pupils} pupils · {classes} classes · {use} of classrooms",
    ),
    "school_entry_over": (
        "{name}\n{pupils} HS · {classes} lớp · dùng {use} phòng học · vượt {over} HS",
        "{name}\n{pupils} pupils · {classes} classes · {use} of classrooms · {over} over capacity",
    ),
    "legend_title": ("Trường và vùng tuyển sinh", "Schools and their zones"),
    "school_marker": ("Vị trí trường", "School site"),
    "school_over": ("Trường vượt sức chứa", "School over capacity"),
    "split": ("Khu phố/thôn chia cho nhiều trường", "Quarter shared by several schools"),
    "changed": ("Đổi trường so với hiện hành", "Moved from the current school"),
    "more_schools": ("… và {count} trường khác", "… and {count} more schools"),
    "north": ("B", "N"),
    "key_title": ("Khu phố/thôn ghi bằng số trên bản đồ", "Quarters numbered on the map"),
    "scale_ratio": ("Tỉ lệ 1:{ratio} khi in khổ {paper}", "Scale 1:{ratio} printed on {paper}"),
    "note_pupils": (
        "Số học sinh (HS): dự báo trung bình năm học {year}; số lớp theo sĩ số tối đa của Điều lệ trường.",
        "Pupils: mean forecast for {year}; classes at the class-size limits of the school charters.",
    ),
    "note_distance": (
        "Khoảng cách: quãng đường đi bộ ước tính; bình quân {mean} m/học sinh.",
        "Distance: estimated walking route; {mean} m per pupil on average.",
    ),
    "note_solver": ("Lời giải: {solver}, {status}.", "Solution: {solver}, {status}."),
    "status_optimal": ("tối ưu", "optimal"),
    "status_gap": ("cách cận dưới tối đa {gap}", "at most {gap} above the lower bound"),
    "status_unknown": ("chưa chứng minh tối ưu", "optimality not proven"),
    # the interactive page (zoning.webmap)
    "web_quarter": ("Khu phố/thôn", "Quarter"),
    "web_school": ("Trường", "School"),
    "web_pupils": ("Số học sinh", "Pupils"),
    "web_distance": ("Khoảng cách đi bộ", "Walking distance"),
    "web_changed": ("Đổi trường", "Moved school"),
    "web_yes": ("Có", "Yes"),
    "web_no": ("Không", "No"),
    "web_no_current": ("Chưa có phân tuyến hiện hành", "No current zoning"),
    "web_share": ("Tỉ lệ", "Share"),
    "web_classes": ("Số lớp", "Classes"),
    "web_rooms": ("Phòng học cần / hiện có", "Classrooms needed / available"),
    "web_utilization": ("Mức sử dụng phòng học", "Classroom utilization"),
    "web_overflow": ("Học sinh vượt sức chứa", "Pupils over capacity"),
    "web_zone_quarters": ("Số khu phố/thôn trong vùng", "Quarters in the zone"),
    "web_unassigned": ("Chưa phân tuyến", "Not zoned"),
    "web_help": (
        "Lăn chuột để phóng to/thu nhỏ, kéo để di chuyển; rê chuột hoặc bấm vào khu phố/thôn "
        "hay trường để xem số liệu.",
        "Scroll to zoom, drag to pan; hover over or click a quarter or school for its figures.",
    ),
    "web_reset": ("Xem toàn bộ", "Fit to ward"),
    "web_notes_title": ("Ghi chú", "Notes"),
    "web_search": ("Tìm khu phố/thôn hoặc trường", "Find a quarter or school"),
    "web_search_none": ("Không tìm thấy", "Not found"),
    "web_year": ("Năm học", "School year"),
    # zoning notes (zoning.notes.Note; fields prepared by zoning.notes)
    "note.stranded": (
        "{count} khu phố/thôn không có trường {level} nào trong phạm vi {max_distance} m nên "
        "được phân về trường gần nhất: {quarters}.",
        "{count} quarters have no {level} school within {max_distance} m and go to their nearest school: {quarters}.",
    ),
    "note.stranded_one": (
        "1 khu phố/thôn không có trường {level} nào trong phạm vi {max_distance} m nên "
        "được phân về trường gần nhất: {quarters}.",
        "1 quarter has no {level} school within {max_distance} m and goes to its nearest school: {quarters}.",
    ),
    "note.contiguity_exempt": (
        "{count} khu phố/thôn không thể nối liền với vùng tuyển sinh của trường {level} nào qua các khu "
        "phố/thôn liền kề (đảo, hoặc khe hở giữa các ranh giới) nên được miễn yêu cầu liền khối và tạo "
        "thành mảnh riêng của vùng: {quarters}.",
        "{count} quarters cannot be joined to any {level} school's zone through neighbouring quarters "
        "(an island, or gaps between boundaries) and are exempted from contiguity, forming separate "
        "pieces of their zones: {quarters}.",
    ),
    "note.contiguity_exempt_one": (
        "1 khu phố/thôn không thể nối liền với vùng tuyển sinh của trường {level} nào qua các khu phố/thôn "
        "liền kề (đảo, hoặc khe hở giữa các ranh giới) nên được miễn yêu cầu liền khối và tạo thành mảnh "
        "riêng của vùng: {quarters}.",
        "1 quarter cannot be joined to any {level} school's zone through neighbouring quarters (an island, "
        "or gaps between boundaries) and is exempted from contiguity, forming a separate piece of its "
        "zone: {quarters}.",
    ),
    "note.start_kept": (
        "Phân tuyến cấp {level}, {years}: sau {seconds} giây bộ giải chưa tìm được phương án "
        "nào; phương án hiển thị giữ trường hiện hành của từng khu phố/thôn (chưa có thì "
        "trường gần nhất); tăng thời gian giải (--time-limit) để có phương án tối ưu.",
        "{Level} zoning, {years}: the solver found no zoning within the time limit of "
        "{seconds} s; the zones shown keep each quarter's current school (else the "
        "nearest); allow more time (--time-limit) for an optimised zoning.",
    ),
    "note.time_limit": (
        "Phân tuyến cấp {level}, {years}: hết thời gian giải ({seconds} giây) trước khi "
        "chứng minh được phương án là tối ưu ({gap}); tăng thời gian giải (--time-limit) "
        "để có phương án tốt hơn.",
        "{Level} zoning, {years}: the solver reached its time limit ({seconds} s) before "
        "proving the zoning optimal ({gap}); allow more time (--time-limit) for a "
        "better one.",
    ),
    "note.gap_known": (
        "phương án tìm được kém phương án tốt nhất không quá {gap}",
        "the zoning found is at most {gap} worse than the best possible",
    ),
    "note.gap_unknown": (
        "chưa biết phương án tìm được kém phương án tốt nhất bao nhiêu",
        "how far it is from the best possible is unknown",
    ),
    "note.overflow": (
        "{name} ({school_id}), năm học {year}: {pupils} {who} vượt sức chứa (không đủ chỗ "
        "trong các phòng học hiện có).",
        "{name} ({school_id}), school year {year}: {pupils} {who} beyond its seats (more than its classrooms hold).",
    ),
    # zoning errors (zoning.notes.ZoningError)
    "error.infeasible": (
        "Không có phương án phân tuyến cấp {level} nào đáp ứng các giới hạn đã đặt "
        "({limits}): hãy {relax}. Thiếu chỗ học tự nó không bao giờ khiến việc phân tuyến "
        "bất khả thi (học sinh vượt sức chứa được báo cáo theo từng trường).",
        "No {level} zoning meets the limits asked for ({limits}): {relax}. Capacity "
        "alone never makes zoning impossible (pupils over capacity are reported per "
        "school).",
    ),
    "error.no_solution": (
        "Sau {seconds} giây bộ giải chưa tìm được phương án phân tuyến cấp {level} nào "
        "({solver}: {solver_status}); hãy tăng thời gian giải (--time-limit).",
        "The solver found no {level} zoning within {seconds} s ({solver}: "
        "{solver_status}); allow more time (--time-limit).",
    ),
    "error.contiguity_impossible": (
        "Không thể tạo vùng tuyển sinh liền khối cho khu phố/thôn {quarters}: không trường nào được xét "
        "cho các khu phố/thôn này nối được với chúng qua một chuỗi khu phố/thôn liền kề. Hãy kiểm tra "
        "quarters.geojson (khu phố/thôn tách rời hoặc có khe hở giữa các ranh giới), nới khoảng cách "
        "tối đa, hoặc phân tuyến không yêu cầu vùng liền khối.",
        "Contiguous zones are impossible for quarter(s) {quarters}: none of their candidate schools "
        "can be reached through neighbouring quarters. Check quarters.geojson for islands or gaps "
        "between boundaries, raise the maximum distance, or zone without contiguity.",
    ),
    "error.split_with_contiguity": (
        "Vùng tuyển sinh liền khối cần giữ nguyên từng khu phố/thôn: không dùng chia khu phố/thôn "
        "(--split) cùng với yêu cầu liền khối (--contiguous).",
        "Contiguous zones need whole quarters: do not combine splitting quarters (--split) with "
        "contiguous zones (--contiguous).",
    ),
    "error.negative_weights": (
        "--stability và --distance-penalty phải lớn hơn hoặc bằng 0 (mét cho mỗi học sinh); đã nhập "
        "{stability} và {distance_penalty}.",
        "--stability and --distance-penalty must be 0 or more (metres per pupil); got {stability} "
        "and {distance_penalty}.",
    ),
    # pieces of the sentences above
    "piece.year_one": ("năm học {years}", "school year {years}"),
    "piece.year_many": ("các năm học {years}", "school years {years}"),
    "piece.more_quarters": ("{shown} và {more} khu phố/thôn khác", "{shown} and {more} more"),
    "piece.less_than": ("dưới {value}", "less than {value}"),
    "piece.who_pupils": ("học sinh", "pupils"),
    "piece.who_children": ("trẻ", "children"),
    "piece.limit_contiguity": ("vùng tuyển sinh liền khối", "contiguous zones"),
    "piece.limit_distance": ("khoảng cách tối đa {metres} m", "at most {metres} m"),
    "piece.relax_contiguity": ("bỏ yêu cầu vùng liền khối", "drop the contiguity rule"),
    "piece.relax_distance": ("tăng khoảng cách tối đa", "raise the maximum distance"),
    "piece.relax_other": ("nới các giới hạn này", "relax them"),
    "piece.or": (" hoặc ", " or "),
}

SCRIPT_TEXT: dict[str, str] = {
    # ZoningResult.notes and str(ZoningError): the English scripts match on (fields in zoning.notes)
    "note.stranded": (
        "{count} quarter(s) have no school within {max_distance:,.0f} m and go to their "
        "nearest school: {first_quarters}"
    ),
    "note.contiguity_exempt": (
        "{count} quarter(s) cannot be contiguous with any school's zone (islands or "
        "gaps) and are exempted from contiguity: {first_quarters}"
    ),
    "note.start_kept": (
        "{level} {years_list}: the solver found no zoning within the time limit of "
        "{time_limit:g} s; the zones shown keep each quarter's current school (else the "
        "nearest); allow more time (--time-limit) for an optimised zoning"
    ),
    "note.time_limit": (
        "{level} {years_list}: the solver stopped at the time limit with a zoning not "
        "proven optimal (gap {gap_text}); allow more time for a better one"
    ),
    "note.overflow": "{name} ({school_id}), school year {school_year}: {pupils:.1f} pupil(s) beyond its seats",
    "error.infeasible": (
        "no zoning of {level} satisfies the limits asked for{contiguity_text}"
        "{distance_text}: relax them. Capacity alone never makes zoning impossible "
        "(pupils over capacity are reported)."
    ),
    "error.no_solution": (
        "the solver found no zoning of {level} within {time_limit:g} s "
        "({solver}: {solver_status}); allow more time (--time-limit)"
    ),
    "error.contiguity_impossible": (
        "contiguous zones are impossible for quarter(s) {first_quarters}: none of their candidate "
        "schools can be reached through neighbouring quarters; check quarters.geojson for islands or "
        "gaps, raise k_nearest / max_distance, or zone without contiguity"
    ),
    "error.split_with_contiguity": "contiguous zones need whole quarters: use split=False with contiguity",
    "error.negative_weights": "stability and distance_penalty must be ≥ 0 (metres per pupil)",
}


def _pick(pair: tuple[str, str], lang: str) -> str:
    return pair[0 if check_lang(lang) == "vi" else 1]


def map_text(key: str, lang: str = "vi", **fields: object) -> str:
    """The map label `key` in `lang` with its fields filled."""
    return _pick(_TEXT[key], lang).format(**fields)


def level_label(level: str, lang: str = "vi") -> str:
    """'Tiểu học' / 'Primary' for 'tieu_hoc' (lower case inside Vietnamese titles)."""
    name = _pick(_LEVELS[level], lang) if level in _LEVELS else level
    return name.lower() if lang == "vi" else name


def level_in_sentence(level: str, lang: str = "vi") -> str:
    """'tiểu học', 'THCS' / 'primary', 'lower secondary': a level inside a sentence."""
    return _pick(LEVEL_NAMES_SHORT[level], lang) if level in LEVEL_NAMES_SHORT else level


def school_years_text(years: Sequence[int], lang: str = "vi") -> str:
    """'năm học 2027–2028' / 'school year 2027–2028'; 'các năm học 2027–2028, 2028–2029'."""
    labels = ", ".join(school_year_label(y) for y in years)
    return map_text("piece.year_one" if len(years) == 1 else "piece.year_many", lang, years=labels)


def number(value: float, lang: str = "vi", decimals: int = 0) -> str:
    """1.234 / 1,234 style grouping: Vietnamese uses '.' for thousands and ',' for decimals
    (`forecast.langs.format_number`, the one number format)."""
    return format_number(value, lang, decimals)


def percent(value: float, lang: str = "vi", decimals: int = 0) -> str:
    """'92%' (decimals with ',' in Vietnamese)."""
    return number(100.0 * value, lang, decimals) + "%"
