"""What `tuyensinh init` says and the labels of the template workbook it writes."""

from __future__ import annotations

from tuyensinh.words.core import Catalog, Text

__all__ = ["START", "text", "say"]

START = Catalog(
    __name__,
    {
        # problems of the inputs of `tuyensinh init`
        "boundary.unknown_code": (
            "không có ranh giới nào mã {code} trong data/boundaries",
            "no boundary with the code {code} in data/boundaries",
        ),
        "fix.boundary.unknown_code": (
            "ghi mã đơn vị hành chính 5 chữ số (ví dụ 06085) hoặc đường dẫn tới tệp ranh giới (.geojson, .gpkg)",
            "give the 5-digit administrative code (e.g. 06085) or the path of a boundary file (.geojson, .gpkg)",
        ),
        "boundary.unreadable": (
            "không đọc được tệp ranh giới ({reason})",
            "the boundary file cannot be read ({reason})",
        ),
        "fix.boundary.unreadable": (
            "xuất lại ranh giới từ QGIS dạng GeoJSON (EPSG:4326)",
            "export the boundary again from QGIS as GeoJSON (EPSG:4326)",
        ),
        "boundary.not_polygon": ("tệp ranh giới không có vùng (polygon) nào", "the boundary file holds no polygon"),
        "points.missing_column": (
            "thiếu cột '{column}' (cần: quarter_id, name, lon, lat)",
            "the column '{column}' is missing (needed: quarter_id, name, lon, lat)",
        ),
        "fix.points.missing_column": (
            "thêm cột '{column}' (hoặc tên tiếng Việt: Mã khu phố, Tên khu phố, Kinh độ, Vĩ độ)",
            "add the column '{column}' (or its Vietnamese name: Mã khu phố, Tên khu phố, Kinh độ, Vĩ độ)",
        ),
        "points.blank": ("ô trống ở cột '{column}'", "a blank cell in the column '{column}'"),
        "fix.points.blank": ("ghi giá trị cho mọi khu phố/thôn", "fill it in for every quarter"),
        "points.not_number": ("'{value}' không phải là tọa độ", "'{value}' is not a coordinate"),
        "fix.points.not_number": (
            "ghi kinh độ và vĩ độ dạng số thập phân với dấu chấm (106.95, 11.82)",
            "write longitude and latitude as decimal numbers with a dot (106.95, 11.82)",
        ),
        "points.duplicate_id": ("mã '{quarter_id}' lặp lại", "the id '{quarter_id}' is repeated"),
        "fix.points.duplicate_id": ("mỗi khu phố/thôn một mã riêng", "give every quarter its own id"),
        "points.same_place": ("'{a}' và '{b}' ở cùng một vị trí", "'{a}' and '{b}' are at the same place"),
        "fix.points.same_place": (
            "kiểm tra tọa độ: mỗi khu phố/thôn một điểm riêng (ví dụ nhà văn hóa)",
            "check the coordinates: one point per quarter (e.g. its cultural house)",
        ),
        "points.outside": (
            "điểm '{quarter_id}' ({lon}, {lat}) nằm ngoài ranh giới {ward}",
            "the point '{quarter_id}' ({lon}, {lat}) lies outside the boundary of {ward}",
        ),
        "fix.points.outside": (
            "kiểm tra tọa độ (kinh độ trước, vĩ độ sau) hoặc mã ranh giới",
            "check the coordinates (longitude first, then latitude) or the boundary code",
        ),
        "points.too_few": (
            "cần ít nhất 2 khu phố/thôn, tệp có {n}",
            "at least 2 quarters are needed, the file has {n}",
        ),
        "fix.points.too_few": ("ghi mỗi khu phố/thôn một dòng", "write one row per quarter"),
        "points.no_points": ("tệp không có điểm nào", "the file holds no point"),
        "fix.points.no_points": (
            "ghi các khu phố/thôn dạng điểm (GeoJSON Point) hoặc CSV có cột lon, lat",
            "give the quarters as points (GeoJSON Point) or a CSV with lon, lat columns",
        ),
        "init.not_empty": ("thư mục {folder} đã có tệp ({files})", "the folder {folder} already holds files ({files})"),
        "fix.init.not_empty": (
            "chọn một thư mục mới (tuyensinh init không ghi đè dữ liệu có sẵn)",
            "choose a new folder (tuyensinh init never overwrites existing data)",
        ),
        # what `tuyensinh init` prints
        "init.done": (
            "Đã tạo thư mục {folder}: {n} khu phố/thôn, ranh giới {ward}.",
            "Created {folder}: {n} quarters, boundary of {ward}.",
        ),
        "init.approximate": (
            "Ranh giới khu phố/thôn là GẦN ĐÚNG (vùng Voronoi quanh các điểm, cắt theo ranh giới {kind}); thay bằng bản đồ thật khi có.",
            "The quarters' boundaries are APPROXIMATE (Voronoi cells around the points, clipped to the {kind}'s boundary); replace them with a real map when you have one.",
        ),
        "init.next": (
            "Bước tiếp theo: điền số liệu vào {workbook} rồi chạy: tuyensinh validate {folder}",
            "Next: fill in {workbook}, then run: tuyensinh validate {folder}",
        ),
        # the template workbook
        "sheet.guide": ("Hướng dẫn", "Guide"),
        "sheet.population": ("Dân số {year}", "Population {year}"),
        "sheet.schools": ("Trường", "Schools"),
        "guide.title": ("HƯỚNG DẪN ĐIỀN SỐ LIỆU — {ward}", "HOW TO FILL IN THE DATA — {ward}"),
        "guide.population": (
            "Trang 'Dân số {year}': mỗi khu phố/thôn một dòng, mỗi năm sinh một cột; ghi số trẻ (ghi 0 nếu không có). Thêm một trang cho mỗi năm có số liệu (ít nhất 2 năm), tên trang có năm, ví dụ 'Dân số 2024'.",
            "Sheet 'Dân số {year}': one row per quarter, one column per year of birth; write the number of children (0 if none). Add one sheet per year with figures (at least 2 years), the year in the sheet's name, e.g. 'Dân số 2024'.",
        ),
        "guide.schools": (
            "Trang 'Trường': mỗi trường một dòng. Cấp học chọn trong danh sách (Mầm non, Tiểu học, THCS); kinh độ, vĩ độ dạng số thập phân (106.95, 11.82); số phòng học là số nguyên.",
            "Sheet 'Trường': one row per school. Pick the level from the list (Mầm non, Tiểu học, THCS); longitude and latitude as decimals (106.95, 11.82); classrooms a whole number.",
        ),
        "guide.example": (
            "Ví dụ một dòng của trang 'Trường' (đừng chép dòng này):",
            "An example row of the sheet 'Trường' (do not copy it):",
        ),
        "guide.quarters": (
            "Danh sách khu phố/thôn (từ bản đồ quarters.geojson):",
            "The quarters (from the map quarters.geojson):",
        ),
        "guide.approximate": (
            "Lưu ý: ranh giới khu phố/thôn trong quarters.geojson là gần đúng (vùng Voronoi).",
            "Note: the quarters' boundaries in quarters.geojson are approximate (Voronoi cells).",
        ),
        "example.name": ("Trường Tiểu học Ví Dụ", "Example Primary School"),
        "level.list_error": ("Chọn Mầm non, Tiểu học hoặc THCS", "Pick Mầm non, Tiểu học or THCS"),
    },
)


def text(key: str, /, **fields: object) -> Text:
    """The catalog entry `key` in both languages."""
    return START.text(key, **fields)


def say(key: str, /, lang: str = "vi", **fields: object) -> str:
    """The catalog entry `key` in `lang`."""
    return START.say(key, lang, **fields)
