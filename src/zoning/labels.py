"""Words printed on the zoning maps, Vietnamese (default) and English.

(zoning may not import tuyensinh, so its map labels live here; level names come from
`capacity.grades`, the one place they are kept.)
"""
from __future__ import annotations

from capacity.grades import LEVEL_NAMES

__all__ = ["map_text", "level_label", "number", "percent"]

_LEVELS = LEVEL_NAMES

_TEXT: dict[str, tuple[str, str]] = {
    "title": ("Phân luồng tuyển sinh cấp {level} – năm học {year}",
              "Enrollment zones, {level} – school year {year}"),
    "title_years": ("Phân luồng tuyển sinh cấp {level} – các năm học {first} đến {last}",
                    "Enrollment zones, {level} – school years {first} to {last}"),
    "school_entry": ("{name}\n{pupils} HS · {classes} lớp · dùng {use} phòng học",
                     "{name}\n{pupils} pupils · {classes} classes · {use} of classrooms"),
    "school_entry_over": ("{name}\n{pupils} HS · {classes} lớp · dùng {use} phòng học · vượt {over} HS",
                          "{name}\n{pupils} pupils · {classes} classes · {use} of classrooms · "
                          "{over} over capacity"),
    "legend_title": ("Trường và vùng tuyển sinh", "Schools and their zones"),
    "school_marker": ("Vị trí trường", "School site"),
    "school_over": ("Trường vượt sức chứa", "School over capacity"),
    "split": ("Khu phố/thôn chia cho nhiều trường", "Quarter shared by several schools"),
    "changed": ("Đổi trường so với hiện hành", "Moved from the current school"),
    "more_schools": ("… và {count} trường khác", "… and {count} more schools"),
    "north": ("B", "N"),
    "note_pupils": ("Số học sinh (HS): dự báo trung bình năm học {year}; số lớp theo sĩ số tối đa của "
                    "Điều lệ trường.",
                    "Pupils: mean forecast for {year}; classes at the class-size limits of the "
                    "school charters."),
    "note_distance": ("Khoảng cách: quãng đường đi bộ ước tính; bình quân {mean} m/học sinh.",
                      "Distance: estimated walking route; {mean} m per pupil on average."),
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
    "web_no_current": ("Chưa có phân luồng hiện hành", "No current zoning"),
    "web_share": ("Tỉ lệ", "Share"),
    "web_classes": ("Số lớp", "Classes"),
    "web_rooms": ("Phòng học cần / hiện có", "Classrooms needed / available"),
    "web_utilization": ("Mức sử dụng phòng học", "Classroom use"),
    "web_overflow": ("Học sinh vượt sức chứa", "Pupils over capacity"),
    "web_zone_quarters": ("Số khu phố/thôn trong vùng", "Quarters in the zone"),
    "web_unassigned": ("Chưa phân luồng", "Not zoned"),
    "web_help": ("Lăn chuột để phóng to/thu nhỏ, kéo để di chuyển; rê chuột hoặc bấm vào khu phố/thôn "
                 "hay trường để xem số liệu.",
                 "Scroll to zoom, drag to pan; hover over or click a quarter or school for its figures."),
    "web_reset": ("Xem toàn bộ", "Fit to ward"),
    "web_notes_title": ("Ghi chú", "Notes"),
}


def _pick(pair: tuple[str, str], lang: str) -> str:
    if lang not in ("vi", "en"):
        raise ValueError(f"unknown language {lang!r}: use 'vi' (Vietnamese) or 'en' (English)")
    return pair[0 if lang == "vi" else 1]


def map_text(key: str, lang: str = "vi", **fields: object) -> str:
    """The map label `key` in `lang` with its fields filled."""
    return _pick(_TEXT[key], lang).format(**fields)


def level_label(level: str, lang: str = "vi") -> str:
    """'Tiểu học' / 'Primary' for 'tieu_hoc' (lower case inside Vietnamese titles)."""
    name = _pick(_LEVELS[level], lang) if level in _LEVELS else level
    return name.lower() if lang == "vi" else name


def number(value: float, lang: str = "vi", decimals: int = 0) -> str:
    """1.234 / 1,234 style grouping: Vietnamese uses '.' for thousands and ',' for decimals."""
    text = f"{value:,.{decimals}f}"
    if lang == "vi":
        text = text.replace(",", "\0").replace(".", ",").replace("\0", ".")
    return text


def percent(value: float, lang: str = "vi", decimals: int = 0) -> str:
    """'92%' (decimals with ',' in Vietnamese)."""
    return number(100.0 * value, lang, decimals) + "%"
