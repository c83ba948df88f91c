"""The wording of the province outputs (`tuyensinh.province`): the roll-up workbook, report page
and map, the batch's progress and summary, the city-wide zoning map — Vietnamese with correct
diacritics by default, English with lang="en"."""

from __future__ import annotations

from tuyensinh.words.core import Catalog

__all__ = ["PROVINCE", "say"]

PROVINCE = Catalog(
    __name__,
    {
        "title": (
            "BÁO CÁO TỔNG HỢP QUY MÔ LỚP HỌC, PHÒNG HỌC VÀ GIÁO VIÊN CÁC PHƯỜNG, XÃ, ĐẶC KHU",
            "PROVINCE SUMMARY OF CLASSES, CLASSROOMS AND TEACHERS BY WARD AND COMMUNE",
        ),
        "page_title": (
            "Tổng hợp kế hoạch tuyển sinh và phòng học — {province}",
            "Enrolment and classroom plan, province summary — {province}",
        ),
        "committee": ("ỦY BAN NHÂN DÂN {province_upper}", "PEOPLE'S COMMITTEE OF {province_upper}"),
        "department": ("SỞ GIÁO DỤC VÀ ĐÀO TẠO", "DEPARTMENT OF EDUCATION AND TRAINING"),
        "nation": ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "SOCIALIST REPUBLIC OF VIET NAM"),
        "motto": ("Độc lập – Tự do – Hạnh phúc", "Independence – Freedom – Happiness"),
        "basis": (
            "Số liệu tổng hợp từ kế hoạch tháng 12 của {planned} phường, xã (tuyensinh plan); năm học tới "
            "{coming}, dự kiến đến năm học {horizon}. {failed} phường, xã có lỗi dữ liệu, chưa được tính "
            "(xem trang “Lỗi dữ liệu”).",
            "Figures summed from the December plans of {planned} wards and communes (tuyensinh plan); coming "
            "school year {coming}, projected to {horizon}. {failed} ward(s) with data problems are not counted "
            "(see the “Data problems” sheet).",
        ),
        "sheet_totals": ("Tổng hợp", "Totals"),
        "sheet_problems": ("Lỗi dữ liệu", "Data problems"),
        "totals_heading": ("TỔNG HỢP TOÀN TỈNH, THÀNH PHỐ", "PROVINCE TOTALS"),
        "level": ("Cấp học", "Level"),
        "all_levels": ("Tất cả các cấp", "All levels"),
        "school_year": ("Năm học", "School year"),
        "wards": ("Số phường, xã", "Wards"),
        "no": ("STT", "No."),
        "code": ("Mã", "Code"),
        "ward": ("Phường, xã", "Ward / commune"),
        "pupils": ("Số trẻ, học sinh", "Pupils"),
        "pupils_coming": ("Số trẻ, học sinh năm học {year}", "Pupils {year}"),
        "classes": ("Số lớp", "Classes"),
        "classes_coming": ("Số lớp năm học {year}", "Classes {year}"),
        "rooms_needed": ("Phòng học cần", "Rooms needed"),
        "rooms_available": ("Phòng học hiện có", "Rooms available"),
        "rooms_short": ("Phòng học thiếu", "Rooms short"),
        "rooms_short_year": ("Thiếu phòng {year}", "Rooms short {year}"),
        "first_short": ("Năm học đầu tiên thiếu phòng", "First school year short"),
        "schools_short": ("Số trường thiếu phòng", "Schools short of rooms"),
        "teachers_short": ("Giáo viên thiếu", "Teachers short"),
        "teachers_short_horizon": ("Giáo viên thiếu {year}", "Teachers short {year}"),
        "build_cost": ("Kinh phí xây dựng (triệu đồng)", "Build cost (million VND)"),
        "accuracy": ("Độ chính xác dự báo 1 năm (%)", "1-year forecast accuracy (%)"),
        "accuracy_naive": ("Cách đơn giản (%)", "Naive baseline (%)"),
        "status": ("Tình trạng", "Status"),
        "problems": ("Lỗi dữ liệu cần sửa", "Data problems to fix"),
        "no_problems": ("Không có phường, xã nào có lỗi dữ liệu.", "No ward has data problems."),
        "total": ("TỔNG CỘNG", "TOTAL"),
        "status.planned": ("Đã lập", "Planned"),
        "status.unchanged": ("Không đổi (giữ kết quả trước)", "Unchanged (earlier plan kept)"),
        "status.failed": ("Lỗi dữ liệu", "Data problems"),
        "status.error": ("Lỗi khi chạy", "Run failed"),
        "not_available": ("không có số liệu", "not available"),
        "not_available_note": (
            "{what}: không có số liệu (kết quả của các phường, xã chưa có cột này).",
            "{what}: not available (the wards' outputs do not have this column).",
        ),
        "none_short": ("không thiếu", "none"),
        "signer_left": ("NGƯỜI LẬP BIỂU", "PREPARED BY"),
        "signer_right": ("GIÁM ĐỐC SỞ GIÁO DỤC VÀ ĐÀO TẠO", "DIRECTOR OF EDUCATION AND TRAINING"),
        "sign_hint": ("(Ký, ghi rõ họ tên)", "(Signature, full name)"),
        "sign_hint_seal": ("(Ký tên, đóng dấu)", "(Signature and seal)"),
        "date_line": ("…………, ngày … tháng … năm 20…", "…………, date ……………"),
        "map_title": (
            "Phòng học thiếu trên 1.000 trẻ, học sinh — năm học thiếu nhiều nhất đến {year}",
            "Rooms short per 1,000 pupils — each ward's worst school year to {year}",
        ),
        "map_legend": ("phòng thiếu / 1.000 trẻ, học sinh (mọi cấp)", "rooms short / 1,000 pupils (all levels)"),
        "map_failed": ("lỗi dữ liệu, chưa tính", "data problems, not counted"),
        "counts": (
            "{planned} phường, xã đã lập kế hoạch ({unchanged} không đổi so với lần trước), {failed} có lỗi "
            "dữ liệu; tổng số {total}.",
            "{planned} wards planned ({unchanged} unchanged since the last run), {failed} with data problems; "
            "{total} in all.",
        ),
        "section_map": ("Bản đồ phòng học thiếu", "Map of rooms short"),
        "section_totals": (
            "Tổng hợp toàn tỉnh, thành phố theo cấp học và năm học",
            "Province totals by level and year",
        ),
        "section_level": ("{level}: từng phường, xã", "{level}: ward by ward"),
        "section_problems": ("Phường, xã có lỗi dữ liệu", "Wards with data problems"),
        "headline_short": (
            "Năm học thiếu nhiều phòng học nhất là {year}: toàn tỉnh, thành phố thiếu {rooms} phòng học "
            "({wards} phường, xã thiếu phòng).",
            "The school year with most rooms short is {year}: the province lacks {rooms} classrooms "
            "({wards} wards short).",
        ),
        "headline_none": (
            "Không phường, xã nào thiếu phòng học đến năm học {year}.",
            "No ward is short of classrooms up to school year {year}.",
        ),
        "accuracy_note": (
            "Độ chính xác = 100 − sai số phần trăm tuyệt đối trung bình của số trẻ, học sinh vào lớp "
            "đầu cấp, dự báo trước 1 năm trên số liệu của chính phường, xã (cột bên: cách đơn giản "
            "“năm sau bằng năm nay”).",
            "Accuracy = 100 − mean absolute percentage error of the entry-grade pupils forecast one "
            "year ahead on the ward's own history (next column: the naive 'next year as this year').",
        ),
        "generated": ("Tạo bởi tuyensinh batch.", "Made by tuyensinh batch."),
        # progress of the batch (tuyensinh.province.progress) and its summary line
        "progress.desc": ("Lập kế hoạch các phường, xã", "Planning wards"),
        "progress.unit": (" phường", " ward"),
        "progress.done": ("xong", "done"),
        "progress.failed": ("lỗi", "failed"),
        "progress.left": ("còn", "left"),
        "progress.eta": ("còn khoảng", "about"),
        "progress.unchanged": ("không đổi", "unchanged"),
        "progress.seconds": ("giây", "s"),
        "batch.summary": (
            "xong {planned}, không đổi {unchanged}, lỗi {failed}, {seconds} giây",
            "planned {planned}, unchanged {unchanged}, failed {failed}, {seconds} s",
        ),
        "batch.crashed": ("Lỗi ngoài dự kiến khi lập kế hoạch: {error}", "Unexpected failure: {error}"),
        "batch.lost": (
            "Tác vụ không hoàn thành (máy tính toán bị dừng?): {error}",
            "The task did not complete (worker lost?): {error}",
        ),
        # what the province commands refuse (tuyensinh batch, tuyensinh citywide)
        "error.no_province_dir": (
            "{path}: không có thư mục tỉnh này (hoặc đây không phải một thư mục); hãy chỉ thư mục chứa mỗi "
            "phường/xã một thư mục con (mỗi thư mục con có tệp ward.toml)",
            "{path}: the province directory does not exist or is not a folder; give the folder that holds "
            "one sub-folder per ward (each with its ward.toml)",
        ),
        "error.no_ward": (
            "{path}: không thấy thư mục phường/xã nào (thư mục phường/xã là thư mục có tệp ward.toml); hãy "
            "đặt mỗi phường/xã vào một thư mục con, ví dụ 26740_sai_gon/ward.toml",
            "{path}: no ward folder found (a ward folder holds ward.toml); put one sub-folder per ward in it, "
            "e.g. 26740_sai_gon/ward.toml",
        ),
        "error.out_overlaps": (
            "--out {out} trùng hoặc lồng với thư mục tỉnh {root}: hãy chọn một thư mục riêng, ví dụ out/<tỉnh>",
            "--out {out} overlaps the province directory {root}: give a separate folder, e.g. out/<province>",
        ),
        "error.out_is_file": (
            "--out {out} là một tệp; hãy chỉ một thư mục",
            "--out {out} is a file; give a folder path",
        ),
        "error.out_not_batch": (
            "--out {out} đã có những tệp không phải kết quả của một lần chạy tuyensinh batch (không có "
            "batch.json); hãy chọn một thư mục trống hoặc thư mục mới",
            "--out {out} already holds files that are not an earlier tuyensinh batch (no batch.json); "
            "choose an empty or new folder",
        ),
        "error.province_toml": (
            '{path}: không phải TOML hợp lệ ({error}); hãy viết [province] code = "79", name = "Thành phố Hồ Chí Minh"',
            '{path}: not valid TOML ({error}); write [province] code = "79", name = "Thành phố Hồ Chí Minh"',
        ),
        "error.workers": ("--workers phải từ 1 trở lên", "--workers must be at least 1"),
        "error.no_batch": (
            "{path}: không thấy tệp này; hãy chạy `tuyensinh batch THƯ_MỤC_TỈNH --out {out}` trước, rồi phân "
            "tuyến toàn thành phố trên kết quả đó",
            "{path} not found: run `tuyensinh batch PROVINCE_DIR --out {out}` first, then zone the city on its outputs",
        ),
        "error.batch_json": (
            "{path}: không đọc được tệp này (tệp bị hỏng hoặc bị sửa tay); hãy chạy lại tuyensinh batch",
            "{path}: cannot be read (damaged or edited by hand); run tuyensinh batch again",
        ),
        "error.city_no_ward": (
            "không phường/xã nào đã lập kế hoạch có trường và học sinh cấp {level}",
            "no planned ward has schools and pupils of level {level}",
        ),
        "error.city_years": (
            "kế hoạch các phường/xã phân vùng những năm học khác nhau ({years}); hãy chọn một năm học với "
            "--school-year",
            "the wards' plans zone different school years ({years}); choose one with --school-year",
        ),
        "error.city_unzoned": (
            "phân tuyến của từng phường/xã còn để khu phố/thôn không có trường cấp này: {quarters}; hãy chạy "
            "lại tuyensinh batch với --force",
            "the ward-by-ward zoning leaves quarters without a school of the level: {quarters}; run tuyensinh "
            "batch again with --force",
        ),
        # what `tuyensinh citywide` (and `batch --citywide`) prints when done
        "city.summary": (
            "Phân tuyến {level} toàn thành phố, năm học {year}: {pupils} học sinh của {quarters} khu phố/thôn "
            "({wards} phường/xã).\n"
            "  Quãng đường trung bình {city_km} km (phân tuyến theo từng phường/xã: {ward_km} km); "
            "học sinh chưa có chỗ {city_over} (theo từng phường/xã: {ward_over}).\n"
            "  {crossing} khu phố/thôn học trường của phường/xã khác; {changed} khu phố/thôn đổi trường.\n"
            "  Kết quả: {folder}",
            "City-wide zoning, {level}, school year {year}: {pupils} pupils of {quarters} quarters "
            "({wards} wards).\n"
            "  Mean trip {city_km} km (ward by ward: {ward_km} km); pupils without a seat {city_over} "
            "(ward by ward: {ward_over}).\n"
            "  {crossing} quarters zoned to another ward's school; {changed} quarters change school.\n"
            "  Outputs: {folder}",
        ),
        # what `python -m tuyensinh.province sample` prints, and its refusals
        "sample.written": ("{wards} thư mục phường/xã trong {out}", "{wards} ward folders in {out}"),
        "error.sample_wards": (
            "--wards phải từ 1 trở lên (số phường/xã của tỉnh mẫu)",
            "--wards must be at least 1 (the number of sample wards)",
        ),
        "error.sample_broken": (
            "--broken phải từ 0 đến số phường/xã của tỉnh mẫu ({wards})",
            "--broken must be between 0 and the number of sample wards ({wards})",
        ),
        # the city-wide zoning map
        "city.crosses": ("Khu phố học trường của phường, xã khác", "Quarter zoned to another ward's school"),
        "city.changed": ("Đổi trường, cùng phường, xã", "Changed school, same ward"),
        "city.kept": ("Giữ trường", "Unchanged"),
        "city.school": ("Trường", "School"),
        "city.title": (
            "Phân tuyến {level} toàn thành phố, năm học {year}",
            "City-wide zoning, {level}, school year {year}",
        ),
    },
)


def say(key: str, /, lang: str = "vi", **fields: object) -> str:
    """The entry `key` of `PROVINCE` in `lang`, with its ``{fields}`` filled in."""
    return PROVINCE.say(key, lang, **fields)
