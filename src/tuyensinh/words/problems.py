"""The wording of every data problem the ward-folder loader and the scenarios file of
`tuyensinh compare` report, in Vietnamese and English.

One catalog, `CATALOG`: key -> (Vietnamese template, English template). Both templates of a key
take the same ``{placeholders}``. `text(key, **fields)` renders both languages at once into a
`Text`; a field that is itself a `Text` (a hint, a unit, a list of allowed values) is rendered in
the matching language, any other field is inserted as written (numbers are formatted by the
caller, so values read from the planner's files appear exactly as they are). The Vietnamese uses
the words of a Phòng Văn hóa – Xã hội officer: tệp, dòng, cột, khu phố/thôn, cấp học.
"""

from __future__ import annotations

from tuyensinh.words.core import EMPTY, LANGS, Catalog, Text, placeholders

__all__ = [
    "Text",
    "EMPTY",
    "CATALOG",
    "PROBLEMS",
    "UNITS",
    "TOML_REASONS",
    "GEOMETRY_KINDS",
    "text",
    "unit_text",
    "placeholders",
    "LANGS",
]

_EXPORT_EN = (
    "in QGIS: right-click the layer › Export › Save Features As…, format GeoJSON with CRS "
    "EPSG:4326, or GeoPackage (which records any CRS)"
)
_EXPORT_VI = (
    "trong QGIS: nhấp chuột phải vào lớp › Export › Save Features As…, chọn định dạng GeoJSON "
    "với CRS EPSG:4326, hoặc GeoPackage (định dạng ghi được mọi CRS)"
)
_UTF8_EN = (
    "open the file in Excel and use File › Save As › 'CSV UTF-8 (Comma delimited) (*.csv)' "
    "(in LibreOffice: Save As › Text CSV, character set 'Unicode (UTF-8)')"
)
_UTF8_VI = (
    "mở tệp bằng Excel và chọn File › Save As › 'CSV UTF-8 (Comma delimited) (*.csv)' "
    "(trong LibreOffice: Save As › Text CSV, bộ ký tự 'Unicode (UTF-8)')"
)

CATALOG: dict[str, tuple[str, str]] = {
    # --- shared words and fragments ------------------------------------------------------------
    "hint.did_you_mean": (" (có phải là '{guess}'?)", " (did you mean '{guess}'?)"),
    "hint.did_you_mean_table": (" (có phải là [{guess}]?)", " (did you mean [{guess}]?)"),
    "word.unit": (" ({unit})", " ({unit})"),
    "word.negative": ("số âm", "negative"),
    "word.below": ("số nhỏ hơn {minimum}", "below {minimum}"),
    "word.nothing": ("không có gì", "nothing"),
    "word.no_attributes": ("không có thuộc tính nào", "no attributes"),
    "word.feature": ("đối tượng {number}", "feature {number}"),
    "word.feature_id": (
        "đối tượng {number} (quarter_id '{quarter_id}')",
        "feature {number} (quarter_id '{quarter_id}')",
    ),
    "noun.quarter": ("khu phố/thôn", "quarter"),
    "noun.school": ("trường", "school"),
    "fix.export": (_EXPORT_VI, _EXPORT_EN),
    "fix.save_utf8": (_UTF8_VI, _UTF8_EN),
    # --- the folder ------------------------------------------------------------------------------
    "ward.folder_missing": (
        "thư mục xã/phường không tồn tại hoặc không phải là thư mục",
        "the ward folder does not exist or is not a folder",
    ),
    "fix.ward.folder_missing": (
        "chỉ đường dẫn tới thư mục chứa ward.toml, quarters.geojson, population.csv và schools.csv",
        "give the path of a folder holding ward.toml, quarters.geojson, population.csv and schools.csv",
    ),
    # --- ward.toml -----------------------------------------------------------------------------
    "toml.where_line": (" ở dòng {line}, cột {col}", " at line {line}, column {col}"),
    "toml.where_end": (" ở cuối tệp", " at the end of the file"),
    "toml.invalid": ("TOML không hợp lệ", "invalid TOML"),
    "toml.syntax": (
        "ward.toml không đúng cú pháp TOML{where}: {reason}",
        "ward.toml is not valid TOML{where}: {reason}",
    ),
    "fix.toml.syntax": (
        'kiểm tra dòng đó: giá trị chữ phải đặt trong dấu ngoặc kép (name = "Phước Bình"), số thì '
        "không (base_year = 2025), mỗi tiêu đề bảng nằm trên một dòng riêng ([ward])",
        'check that line: text values need double quotes (name = "Phước Bình"), numbers none '
        "(base_year = 2025), each table header on its own line ([ward])",
    ),
    "fix.toml.crs": (
        'ghi crs = "{default}" (VN-2000 / UTM 48N, phía tây kinh tuyến 108°Đ) hoặc "EPSG:3406" '
        "(VN-2000 / UTM 49N, phía đông kinh tuyến 108°Đ)",
        'write crs = "{default}" (VN-2000 / UTM 48N, west of 108°E) or "EPSG:3406" (VN-2000 / UTM 49N, east of 108°E)',
    ),
    "toml.crs_not_text": (
        'crs phải là chữ, ví dụ "{default}", không phải {value}',
        'crs must be a text such as "{default}", not {value}',
    ),
    "toml.crs_unknown": (
        "hệ tọa độ '{value}' không phải là hệ quy chiếu tọa độ mà pyproj biết",
        "the CRS '{value}' is not a coordinate reference system pyproj knows",
    ),
    "toml.crs_geographic": (
        "hệ tọa độ '{value}' không phải hệ tọa độ phẳng (đơn vị là độ); tính khoảng cách cần đơn vị mét",
        "the CRS '{value}' is not projected (its units are degrees); distances need metres",
    ),
    "toml.crs_unit": (
        "hệ tọa độ '{value}' đo bằng đơn vị {unit}, không phải mét",
        "the CRS '{value}' measures in {unit}, not metres",
    ),
    "toml.year": (
        "{key} phải là một năm dương lịch viết bằng số nguyên, không có dấu ngoặc kép, không phải {value}",
        "{key} must be a calendar year written as a whole number without quotes, not {value}",
    ),
    "fix.toml.year": ("ghi ví dụ {key} = 2025", "write for example {key} = 2025"),
    "toml.override_not_table": (
        "'{top}' phải là một bảng (các mục [{top}.…])",
        "'{top}' must be a table ([{top}.…] sections)",
    ),
    "fix.toml.override_not_table": (
        "ghi các mục [{top}.<tên>] với các dòng khóa = số",
        "write [{top}.<name>] sections with key = number lines",
    ),
    "toml.override_number": (
        "{path} phải là một số không nhỏ hơn 0, không phải {value}",
        "{path} must be a number of at least 0, not {value}",
    ),
    "fix.toml.plain_number": ("ghi một số bình thường, không có dấu ngoặc kép", "write a plain number without quotes"),
    "toml.share_above_1": (
        "{path} = {value} là một tỷ lệ và không được lớn hơn {maximum}",
        "{path} = {value} is a share and cannot exceed {maximum}",
    ),
    "fix.toml.share_fraction": (
        "ghi tỷ lệ dưới dạng phân số, ví dụ {fraction} cho {percent} %",
        "write the share as a fraction, e.g. {fraction} for {percent} %",
    ),
    # --- [norms.*] / [rates.*] overrides the norm table refuses (capacity.norms.NormProblem kinds) ---
    "norm.fixed": (
        "{path} do luật quy định ({source}) nên không thể thay đổi",
        "{path} is fixed by law ({source}) and cannot be changed",
    ),
    "fix.norm.fixed": (
        "xóa mục này; tuyensinh luôn xếp lớp theo tuổi như luật quy định (vào lớp 1 là trẻ tròn 6 tuổi "
        "trong năm dương lịch)",
        "delete it; tuyensinh always places children by age as the law says (grade 1 takes the "
        "children turning 6 in the calendar year)",
    ),
    "norm.unknown_key": (
        "khóa '{key}' trong [{section}] không hợp lệ{hint}",
        "unknown key '{key}' in [{section}]{hint}",
    ),
    "fix.norm.keys": (
        "các khóa được dùng trong [{section}] là {allowed} (xem docs/norms.md)",
        "the keys allowed in [{section}] are {allowed} (see docs/norms.md)",
    ),
    "fix.norm.one_number": (
        "[{section}] không có khóa con: ghi một số cho cả cấp học trong [{parent}], ví dụ {level} = {example}",
        "[{section}] has no keys: give one number for the whole level in [{parent}], e.g. {level} = {example}",
    ),
    "norm.not_number": ("{path} = {value} không phải là số", "{path} = {value} is not a number"),
    "fix.norm.number": (
        "ghi một số bình thường, không có dấu ngoặc kép, từ {low} đến {high}{unit}",
        "write a plain number without quotes, from {low} to {high}{unit}",
    ),
    "norm.not_whole": (
        "{path} = {value} không phải là số nguyên{unit}",
        "{path} = {value} is not a whole number{unit}",
    ),
    "fix.norm.whole": (
        "ghi một số nguyên (số học sinh, số lớp, số khối lớp không có phần thập phân), ví dụ {key} = {example}",
        "write a whole number (pupils, classes and grades have no decimals), e.g. {key} = {example}",
    ),
    "norm.out_of_range": (
        "{path} = {value} nằm ngoài khoảng cho phép từ {low} đến {high}{unit}",
        "{path} = {value} is outside the allowed range {low} to {high}{unit}",
    ),
    "fix.norm.range": ("ghi một giá trị từ {low} đến {high}", "write a value from {low} to {high}"),
    "norm.above_legal": (
        "{path} = {value} vượt quá sĩ số tối đa theo quy định là {legal}{unit} ({source})",
        "{path} = {value} is above the legal maximum of {legal}{unit} ({source})",
    ),
    "fix.norm.above_legal": (
        "ghi một số không lớn hơn {legal}, ví dụ {key} = {legal}: tỉnh hoặc xã/phường chỉ được "
        "quy định sĩ số thấp hơn, không được cao hơn",
        "write a number of at most {legal}, e.g. {key} = {legal}: a province or ward may only "
        "set a lower class-size limit, never a higher one",
    ),
    "norm.no_match": (
        "{path} không ứng với định mức nào trong bảng định mức",
        "{path} matches no figure of the norm table",
    ),
    "fix.norm.no_match": (
        "xem các cấp học và nhóm của từng định mức trong docs/norms.md",
        "see the levels and groups of each figure in docs/norms.md",
    ),
    "toml.missing": ("thiếu tệp", "the file is missing"),
    "fix.toml.missing": (
        "tạo tệp ward.toml có bảng [ward] (code, name, province, base_year); xem docs/data-format.md",
        "create ward.toml with a [ward] table (code, name, province, base_year); see docs/data-format.md",
    ),
    "toml.not_utf8": ("tệp không phải văn bản UTF-8", "the file is not UTF-8 text"),
    "fix.toml.utf8": (
        "lưu tệp dưới dạng UTF-8 trong trình soạn thảo văn bản (Notepad: Save As › Encoding UTF-8)",
        "save it as UTF-8 in your text editor (Notepad: Save As › Encoding UTF-8)",
    ),
    "toml.unknown_top": ("bảng hoặc khóa '{top}' không hợp lệ{hint}", "unknown table or key '{top}'{hint}"),
    "fix.toml.tables": ("chỉ dùng các bảng {tables}", "use only the tables {tables}"),
    "toml.no_ward": ("thiếu bảng [ward]", "the [ward] table is missing"),
    "fix.toml.no_ward": (
        "bắt đầu tệp bằng dòng [ward], tiếp theo là code, name, province",
        "start the file with a [ward] line followed by code, name, province",
    ),
    "toml.unknown_key": ("khóa '{key}' trong [ward] không hợp lệ{hint}", "unknown key '{key}' in [ward]{hint}"),
    "fix.toml.keys": ("các khóa của [ward] là {keys}", "the keys of [ward] are {keys}"),
    "toml.code": (
        "code phải là mã hành chính 5 chữ số của xã/phường, đặt trong dấu ngoặc kép, không phải {value}",
        "code must be the 5-digit administrative code of the ward in quotes, not {value}",
    ),
    "fix.toml.code": ('ghi ví dụ code = "25220"', 'write for example code = "25220"'),
    "toml.name": ("name bị thiếu hoặc để trống", "name is missing or empty"),
    "fix.toml.name": ('ghi ví dụ name = "Phước Bình"', 'write for example name = "Phước Bình"'),
    "toml.kind": ("kind '{value}' không thuộc các giá trị {allowed}", "kind '{value}' is not one of {allowed}"),
    "fix.toml.kind": ('ghi kind = "phường" hoặc kind = "xã"', 'write kind = "phường" or kind = "xã"'),
    "toml.setting": (
        "setting '{value}' không thuộc các giá trị {allowed}{hint}",
        "setting '{value}' is not one of {allowed}{hint}",
    ),
    "fix.toml.setting": (
        'ghi setting = "urban" (đô thị), "rural" (nông thôn) hoặc "mountain" (miền núi) '
        "(dùng để chọn định mức khoảng cách đi bộ)",
        'write setting = "urban", "rural" or "mountain" (selects the walking-distance norms)',
    ),
    "toml.horizon_before_base": (
        "horizon {horizon} không sau base_year {base_year}: không có gì để dự báo",
        "horizon {horizon} is not after base_year {base_year}: there is nothing to forecast",
    ),
    "fix.toml.horizon": (
        "đặt horizon là năm học cuối cùng cần lập kế hoạch (mặc định {default}), sau base_year",
        "set horizon to the last school year to plan for (default {default}), later than base_year",
    ),
    # --- reading CSV files -----------------------------------------------------------------------
    "csv.utf16": (
        "tệp là văn bản UTF-16 (định dạng 'Unicode Text' của Excel), không phải CSV UTF-8",
        "the file is UTF-16 text (Excel's 'Unicode Text' format), not CSV UTF-8",
    ),
    "csv.not_utf8": (
        "tệp không phải văn bản UTF-8: không đọc được byte 0x{byte} (đọc theo bảng mã Windows 1258, "
        "dòng này là '{shown}'). Định dạng 'CSV (Comma delimited)' thường của Excel ghi chữ tiếng Việt "
        "theo cách này và chữ sẽ bị lỗi phông",
        "the file is not UTF-8 text: byte 0x{byte} cannot be read (the row reads '{shown}' in the Windows "
        "code page 1258). Excel's plain 'CSV (Comma delimited)' format writes Vietnamese letters this "
        "way and they would be garbled",
    ),
    "fix.csv.utf8_not_plain": (
        _UTF8_VI + "; không dùng định dạng 'CSV (Comma delimited)' thường",
        _UTF8_EN + "; do not use plain 'CSV (Comma delimited)'",
    ),
    "csv.duplicate_column": (
        "cột '{name}' xuất hiện hai lần ở dòng tiêu đề",
        "the column '{name}' appears twice in the header",
    ),
    "fix.csv.duplicate_column": ("xóa một trong hai cột", "delete one of the two columns"),
    "csv.hint_comma": (
        "một số viết bằng dấu phẩy thập phân (hãy dùng dấu chấm: 106.95) hoặc một tên có chứa "
        "'{delimiter}' mà không đặt trong dấu ngoặc kép",
        "a number written with a decimal comma (use a dot: 106.95) or a name containing '{delimiter}' without quotes",
    ),
    "csv.hint_other": ("một giá trị có chứa '{delimiter}'", "a value containing '{delimiter}'"),
    "csv.long_row": (
        "dòng này có {n} giá trị nhưng dòng tiêu đề chỉ có {width} cột (có thể do {hint})",
        "this row has {n} values but the header has {width} columns (probably {hint})",
    ),
    "fix.csv.long_row": (
        "mỗi dòng phải có đúng một giá trị cho mỗi cột của dòng tiêu đề",
        "make each row have exactly one value per header column",
    ),
    "csv.empty": ("tệp trống", "the file is empty"),
    "fix.csv.empty": ("ghi dòng tiêu đề và các dòng số liệu", "write the header row and the data rows"),
    "csv.empty_header": ("dòng đầu tiên (dòng tiêu đề) trống", "the first row (the header) is empty"),
    "fix.csv.empty_header": ("ghi tên các cột ở dòng 1", "put the column names in row 1"),
    "csv.unreadable": ("không đọc được tệp dưới dạng CSV", "the file cannot be read as CSV"),
    "fix.csv.unreadable": ("lưu lại tệp từ Excel dưới dạng 'CSV UTF-8'", "save it again from Excel as 'CSV UTF-8'"),
    "csv.unnamed_column": (
        "cột thứ {number} có giá trị nhưng không có tên ở dòng 1",
        "column {number} has values but no name in row 1",
    ),
    "fix.csv.unnamed_column": (
        "ghi tên cột ở dòng 1 hoặc xóa cột đó",
        "write the column name in row 1 or delete the column",
    ),
    # --- cells of a table ------------------------------------------------------------------------
    "table.more_rows": (
        "còn {n} dòng khác có cùng lỗi ở cột này (các dòng {rows})",
        "{n} more rows have the same problem in this column (rows {rows})",
    ),
    "table.hint_lookalike": (
        " (có phải cột '{lookalike}' chính là '{name}'?)",
        " (is '{lookalike}' meant to be '{name}'?)",
    ),
    "table.missing_column": (
        "thiếu cột '{name}'{hint}; dòng tiêu đề có: {present}",
        "the column '{name}' is missing{hint}; the header has: {present}",
    ),
    "fix.table.add_column": (
        "thêm một cột có tên đúng là '{name}' vào dòng 1",
        "add a column named exactly '{name}' to row 1",
    ),
    "table.not_number": ("'{value}' không phải là số", "'{value}' is not a number"),
    "fix.table.number": (
        "ghi một số bình thường (chữ số, dấu chấm cho phần thập phân, không có dấu cách hay dấu phân cách hàng nghìn)",
        "write a plain number (digits, a dot for decimals, no spaces or thousands separators)",
    ),
    "table.not_whole": ("'{value}' không phải là số nguyên{unit}", "'{value}' is not a whole number{unit}"),
    "fix.table.whole": (
        "ghi một số nguyên (số người, số phòng và năm không có phần thập phân)",
        "write a whole number (counts of people, rooms and years have no decimals)",
    ),
    "table.below_min": (
        "{value} là {what}; giá trị cột '{name}' phải ít nhất là {minimum}{unit}",
        "{value} is {what}; {name} must be at least {minimum}{unit}",
    ),
    "fix.table.below_min": (
        "sửa lại giá trị: cột '{name}' không thể là {what}",
        "correct the value: {name} cannot be {what}",
    ),
    "table.above_max": (
        "{value} lớn hơn {maximum}, giá trị lớn nhất hợp lý của cột '{name}'{unit}",
        "{value} is above {maximum}, the largest plausible {name}{unit}",
    ),
    "fix.table.correct": ("sửa lại giá trị", "correct the value"),
    "table.levels_allowed": (
        "mam_non (Mầm non), tieu_hoc (Tiểu học) hoặc thcs (Trung học cơ sở)",
        "mam_non (Mầm non), tieu_hoc (Tiểu học) or thcs (Trung học cơ sở)",
    ),
    "table.level_not_planned": (
        "'{value}' không phải là cấp học mà tuyensinh lập kế hoạch; các cấp học được dùng là "
        "{allowed}, mỗi dòng một cấp học",
        "'{value}' is not a level tuyensinh plans; the allowed levels are {allowed}, one level per row",
    ),
    "table.level_unknown": (
        "'{value}' không phải là cấp học đã biết{hint}; các cấp học được dùng là {allowed}",
        "'{value}' is not a known level{hint}; the allowed levels are {allowed}",
    ),
    "fix.table.level": (
        "ghi mam_non, tieu_hoc hoặc thcs (cũng chấp nhận cách viết 'Mầm non', 'Tiểu học', 'THCS'); "
        "trường dạy hai cấp thì ghi mỗi cấp một dòng, mỗi dòng có school_id riêng; không đưa trường "
        "THPT vào",
        "write mam_non, tieu_hoc or thcs (the spellings 'Mầm non', 'Tiểu học', 'THCS' are also "
        "accepted); a school teaching two levels gets one row per level, each with its own "
        "school_id; upper-secondary (THPT) schools are left out",
    ),
    "table.sex": (
        "'{value}' không phải là mã giới tính; dùng M hoặc F (cũng chấp nhận Nam/Nữ)",
        "'{value}' is not a sex code; use M or F (Nam/Nữ are also accepted)",
    ),
    "fix.table.sex": (
        "ghi M (nam) hoặc F (nữ), hoặc bỏ cột sex để ghi tổng số",
        "write M (male, nam) or F (female, nữ), or drop the sex column to give totals",
    ),
    "table.unknown_column": (
        "cột '{name}' không phải là cột của bảng này; có phải là '{guess}'?",
        "the column '{name}' is not a column of this table; did you mean '{guess}'?",
    ),
    "fix.table.rename": (
        "đổi tên cột thành '{guess}' (hoặc đặt tên khác nếu đó là cột ghi chú)",
        "rename the column to '{guess}' (or give it another name if it is a note)",
    ),
    "table.blank": (
        "ô bị trống; dòng nào cũng cần có giá trị ở cột '{name}'",
        "the cell is empty; every row needs a {name}",
    ),
    "fix.table.fill": (
        "điền giá trị cột '{name}' (hoặc xóa dòng nếu dòng đó không cần có)",
        "fill in {name} (or delete the row if it is not meant to be there)",
    ),
    "table.duplicate": ("{what} xuất hiện nhiều lần (các dòng {rows})", "{what} appears more than once (rows {rows})"),
    "table.more_duplicates": ("còn {n} tổ hợp khóa khác bị lặp lại", "{n} more key combinations are repeated"),
    "fix.table.duplicate_key": (
        "chỉ giữ một dòng cho mỗi {key} (cộng gộp hoặc xóa các dòng lặp)",
        "keep one row per {key} (add up or delete the repeated rows)",
    ),
    "table.id_pattern": (
        "{n} dòng ghi {column} theo kiểu khác với {source}: tệp này ghi {mine}, còn {source} ghi {theirs} — không {noun} nào khớp",
        "{n} rows write {column} in another pattern than {source}: this file has {mine}, {source} has {theirs} — no {noun} matches",
    ),
    "fix.table.id_pattern": (
        "ghi {column} đúng như trong {source} (có vẻ: {mapping}); trong Excel, định dạng cột là Văn bản để giữ chữ và số 0 ở đầu",
        "write {column} exactly as in {source} (it looks like {mapping}); in Excel, format the column as Text to keep letters and leading zeros",
    ),
    "table.unknown_reference": (
        "{column} '{value}' không phải là {noun} trong {source}{hint}",
        "{column} '{value}' is not a {noun} of {source}{hint}",
    ),
    "fix.table.unknown_reference": (
        "dùng một {column} có trong {source} ({examples}) hoặc thêm {noun} đó vào {source}",
        "use a {column} listed in {source} ({examples}) or add the {noun} there",
    ),
    "fix.column.sessions_per_day": (
        "ghi 2 (học hai buổi một ngày, theo định mức) hoặc 1 (một buổi: trường học một ca)",
        "write 2 (two sessions a day, the norm) or 1 (one session: the school runs one shift)",
    ),
    "fix.column.share": (
        "ghi tỷ lệ học sinh của khu phố/thôn được phân về trường này dưới dạng phân số từ 0 đến 1",
        "write the share of the quarter's pupils sent to this school as a fraction between 0 and 1",
    ),
    # --- the tables of the folder ----------------------------------------------------------------
    "table.file_missing": ("thiếu tệp; tệp này chứa {purpose}", "the file is missing; it holds {purpose}"),
    "fix.table.file_missing": (
        "thêm {file} vào thư mục (xem các cột của tệp trong docs/data-format.md)",
        "add {file} to the ward folder (see docs/data-format.md for its columns)",
    ),
    "purpose.population": (
        "số dân theo khu phố/thôn, năm và từng độ tuổi (bảng duy nhất mà phần dự báo cần)",
        "the residents by quarter, year and single year of age (the only table the forecast needs)",
    ),
    "purpose.schools": (
        "các trường với cấp học, vị trí và số phòng học",
        "the schools with their level, location and classrooms",
    ),
    "purpose.births": (
        "số trẻ sinh ra được đăng ký theo khu phố/thôn và năm",
        "births registered per quarter and year",
    ),
    "purpose.housing": (
        "số nhà ở dự kiến hoàn thành theo khu phố/thôn và năm",
        "planned housing completions per quarter and year",
    ),
    "purpose.zones": ("phân tuyến tuyển sinh hiện hành", "the current enrollment zoning"),
    "purpose.enrolment": (
        "số học sinh thực tuyển theo trường, năm học và khối lớp (báo cáo tuyển sinh)",
        "actual enrolment per school, school year and grade",
    ),
    "purpose.quotas_published": (
        "chỉ tiêu tuyển sinh đã giao trước năm học",
        "the quotas published before the school year",
    ),
    "cycle.unknown_code": (
        "cột '{column}' có giá trị '{value}' không hợp lệ; các mã được dùng: {allowed}",
        "column '{column}' holds '{value}', not a valid code; the codes are: {allowed}",
    ),
    "fix.cycle.code": (
        "ghi một trong các mã của cột '{column}': {allowed} (docs/data-format.md)",
        "write one of the codes of column '{column}': {allowed} (docs/data-format.md)",
    ),
    "cycle.completed_above": (
        "số học sinh hoàn thành ({completed}) lớn hơn số học sinh của dòng ({pupils})",
        "pupils who completed ({completed}) exceed the pupils of the row ({pupils})",
    ),
    "fix.cycle.completed_above": (
        "ghi vào cột 'completed' số học sinh của dòng đã hoàn thành lớp, không lớn hơn cột 'pupils'",
        "write in 'completed' the pupils of the row who completed the grade, at most 'pupils'",
    ),
    "cycle.birth_year_odd": (
        "năm sinh {birth_year} không hợp lý cho năm học {school_year} (tuổi phải từ 0 đến 25)",
        "birth year {birth_year} is implausible for school year {school_year} (age must be 0–25)",
    ),
    "fix.cycle.birth_year_odd": (
        "kiểm tra cột 'birth_year' (năm sinh, ví dụ 2019) và cột 'school_year' (năm bắt đầu năm học)",
        "check 'birth_year' (e.g. 2019) and 'school_year' (the year the school year starts)",
    ),
    "school.permanent_above": (
        "số phòng học kiên cố ({permanent}) lớn hơn tổng số phòng học ({classrooms})",
        "permanent classrooms ({permanent}) exceed the classrooms ({classrooms})",
    ),
    "fix.school.permanent_above": (
        "ghi vào 'permanent_classrooms' số phòng học kiên cố trong số phòng ở cột 'classrooms'",
        "write in 'permanent_classrooms' how many of the 'classrooms' are permanent",
    ),
    "purpose.distances": ("khoảng cách đường bộ từ khu phố/thôn đến trường", "road distances from quarters to schools"),
    "table.no_rows": ("bảng chưa có dòng số liệu nào ({purpose})", "the table has no data rows yet ({purpose})"),
    "fix.table.no_rows": ("ghi mỗi trường một dòng dưới dòng tiêu đề", "write one row per school below the header"),
    "pop.no_rows": ("tệp không có dòng số liệu nào", "the file has no data rows"),
    "fix.pop.no_rows": ("thêm một dòng cho mỗi khu phố/thôn, năm và độ tuổi", "add one row per quarter, year and age"),
    "pop.year_gaps": (
        "các năm phải liên tiếp, không bị ngắt quãng; thiếu năm {gaps} trong khoảng {first} đến {last}",
        "the years must follow each other without gaps; year(s) {gaps} missing between {first} and {last}",
    ),
    "fix.pop.year_gaps": (
        "thêm các dòng của những năm còn thiếu (hoặc bỏ các năm trước chỗ ngắt quãng)",
        "add the rows of the missing years (or remove the years before the gap)",
    ),
    "pop.one_year": (
        "chỉ có năm {year}; dự báo cần ít nhất hai năm liên tiếp (có từ năm năm trở lên thì dự báo tốt hơn nhiều)",
        "only the year {year} is given; a forecast needs at least two consecutive years "
        "(five or more give much better forecasts)",
    ),
    "fix.pop.one_year": ("thêm số dân của các năm trước", "add the population of the previous years"),
    "pop.missing_ages_year": (
        "năm {year}: độ tuổi {ages} không có dòng nào; năm nào cũng cần đủ từng độ tuổi từ 0 "
        "đến ít nhất {top}, không bị thiếu",
        "year {year}: age(s) {ages} have no row; every year needs single ages 0 to at least {top} without gaps",
    ),
    "fix.pop.missing_ages_year": (
        "thêm các dòng của những độ tuổi còn thiếu (ghi count 0 nếu không có ai ở độ tuổi đó)",
        "add the rows of the missing ages (with count 0 if nobody is that age)",
    ),
    "pop.where": ("quarter_id '{quarter_id}', năm {year}", "quarter_id '{quarter_id}', year {year}"),
    "pop.where_sex": (", giới tính {sex}", ", sex {sex}"),
    "pop.grid_hole": ("{where}: không có dòng cho độ tuổi {ages}", "{where}: no row for age(s) {ages}"),
    "fix.pop.grid_hole": (
        "thêm các dòng còn thiếu (ghi count 0 nếu ở đó không có ai ở độ tuổi này)",
        "add the missing rows (count 0 if nobody of that age lives there)",
    ),
    "pop.more_holes": (
        "còn {n} tổ hợp khu phố/thôn × năm khác thiếu độ tuổi",
        "{n} more quarter × year combinations miss ages",
    ),
    "fix.pop.more_holes": ("thêm các dòng còn thiếu", "add the missing rows"),
    "school.opens_after_closes": (
        "opens {opens} không trước closes {closes}: trường sẽ không bao giờ nhận học sinh",
        "opens {opens} is not before closes {closes}: the school would never take pupils",
    ),
    "fix.school.opens_closes": (
        "opens là năm học đầu tiên có học sinh, closes là năm học đầu tiên không còn học sinh "
        "(2028 = 2028–2029): kiểm tra cả hai năm",
        "opens is the first school year with pupils, closes the first school year without "
        "pupils (2028 = 2028–2029): check both years",
    ),
    "school.swapped": (
        "lon {lon} và lat {lat} có vẻ bị đảo ngược (Việt Nam nằm ở kinh độ {lon0}–{lon1}°Đ, vĩ độ {lat0}–{lat1}°B)",
        "lon {lon} and lat {lat} look swapped (Viet Nam lies at longitude {lon0}–{lon1}°E, latitude {lat0}–{lat1}°N)",
    ),
    "fix.school.swapped": (
        "đổi chỗ hai giá trị: lon là số lớn hơn (khoảng 102–110), lat là số nhỏ hơn (8–24); "
        "Google Maps sao chép tọa độ theo thứ tự 'lat, lon'",
        "exchange the two values: lon is the larger number (about 102–110), lat the smaller "
        "(8–24); Google Maps copies coordinates as 'lat, lon'",
    ),
    "school.outside_vn": (
        "điểm lon {lon}, lat {lat} không nằm trong lãnh thổ Việt Nam",
        "the point lon {lon}, lat {lat} is not in Viet Nam",
    ),
    "fix.school.position": (
        "ghi vị trí của trường bằng độ thập phân (WGS 84), ví dụ lon 106.95, lat 11.87",
        "write the school's position in decimal degrees (WGS 84), e.g. lon 106.95, lat 11.87",
    ),
    "zones.share_sum": (
        "quarter_id '{quarter_id}', cấp {level}: tổng các tỷ lệ là {total}, không phải 1 (các dòng {rows})",
        "quarter_id '{quarter_id}', level {level}: the shares add up to {total}, not 1 (rows {rows})",
    ),
    "fix.zones.share_sum": (
        "chỉnh để tổng tỷ lệ của các trường nhận khu phố/thôn này ở cấp học này bằng 1 (để trống "
        "share khi một trường nhận cả khu phố/thôn)",
        "make the shares of the schools serving this quarter at this level add up to 1 "
        "(leave share empty when one school takes the whole quarter)",
    ),
    # --- the map of quarters ---------------------------------------------------------------------
    "map.both": (
        "có cả quarters.geojson và quarters.gpkg; không rõ phải dùng bản đồ nào",
        "both quarters.geojson and quarters.gpkg are present; it is unclear which map to use",
    ),
    "fix.map.both": (
        "giữ một trong hai tệp và chuyển tệp kia ra khỏi thư mục",
        "keep one of the two files and move the other out of the ward folder",
    ),
    "map.missing": (
        "thiếu bản đồ khu phố/thôn (không có quarters.geojson, cũng không có quarters.gpkg)",
        "the map of quarters is missing (neither quarters.geojson nor quarters.gpkg exists)",
    ),
    "fix.map.missing": (
        "thêm các khu phố/thôn dưới dạng vùng (polygon) có các cột quarter_id và name; {export}",
        "add the quarters as polygons with the columns quarter_id and name; {export}",
    ),
    "map.not_utf8": (
        "tệp không phải văn bản UTF-8 (dòng {line}); tên tiếng Việt sẽ bị lỗi phông",
        "the file is not UTF-8 text (line {line}); Vietnamese names would be garbled",
    ),
    "fix.map.utf8": (
        "xuất lại lớp dưới dạng GeoJSON, mã hóa UTF-8 ({export})",
        "export the layer again as GeoJSON, encoding UTF-8 ({export})",
    ),
    "map.layers": (
        "tệp GeoPackage có nhiều lớp ({names}) và không lớp nào tên là 'quarters'",
        "the GeoPackage holds several layers ({names}) and none is named 'quarters'",
    ),
    "fix.map.layers": (
        "đặt tên lớp khu phố/thôn là 'quarters' hoặc chỉ giữ lại lớp đó",
        "name the layer of quarters 'quarters' or keep only that layer",
    ),
    "map.unreadable": (
        'không đọc được bản đồ (thông báo lỗi của thư viện đọc bản đồ: "{error}")',
        "the map cannot be read ({error})",
    ),
    "fix.map.unreadable": (
        "kiểm tra xem tệp có phải GeoJSON hoặc GeoPackage hợp lệ không; {export}",
        "check that it is a valid GeoJSON or GeoPackage; {export}",
    ),
    # --- context layers (context/*.geojson, *.gpkg: roads, rivers, landmarks) ----------------------
    "context.unreadable": (
        'không đọc được lớp bản đồ nền (thông báo lỗi của thư viện đọc bản đồ: "{error}")',
        "the context layer cannot be read ({error})",
    ),
    "context.no_crs": (
        "lớp bản đồ nền không có hệ quy chiếu tọa độ (CRS)",
        "the context layer has no coordinate reference system (CRS)",
    ),
    "context.kinds": (
        "lớp bản đồ nền trộn nhiều loại hình ({kinds}); mỗi tệp chỉ được một loại: đường, điểm hoặc vùng",
        "the context layer mixes kinds of geometry ({kinds}); one kind per file: lines, points or polygons",
    ),
    "fix.context": (
        "tách thành nhiều tệp trong thư mục context/ (mỗi loại một tệp) rồi xuất lại; {export}",
        "split it into several files in context/ (one per kind) and export again; {export}",
    ),
    "map.no_crs": ("bản đồ không có hệ quy chiếu tọa độ (CRS)", "the map has no coordinate reference system (CRS)"),
    "fix.map.no_crs": (
        "gán đúng CRS (QGIS: Layer Properties › Source › Assigned CRS, ví dụ EPSG:3405 cho VN-2000 / "
        "UTM 48N) và {export}",
        "assign the right CRS (QGIS: Layer Properties › Source › Assigned CRS, e.g. EPSG:3405 for "
        "VN-2000 / UTM 48N) and {export}",
    ),
    "map.metres_as_degrees": (
        "tọa độ trông như đơn vị mét (x tới {x}, y tới {y}) nhưng bản đồ được đọc theo kinh độ/vĩ "
        "độ: thiếu CRS (tệp GeoJSON không có CRS được hiểu là EPSG:4326)",
        "the coordinates look like metres (x up to {x}, y up to {y}) but the map is read as "
        "longitude/latitude: the CRS is missing (a GeoJSON file without a CRS is taken as EPSG:4326)",
    ),
    "fix.map.export_with_crs": ("xuất bản đồ kèm CRS của nó: {export}", "export the map with its CRS: {export}"),
    "map.why_swapped": ("kinh độ và vĩ độ bị đảo ngược", "longitude and latitude are swapped"),
    "map.why_crs": (
        "CRS đã khai báo ({crs}) có lẽ không phải CRS mà tọa độ được tạo ra",
        "the declared CRS ({crs}) is probably not the one the coordinates were made in",
    ),
    "map.outside_vn": (
        "các khu phố/thôn nằm ở kinh độ {lon0}…{lon1}, vĩ độ {lat0}…{lat1}, ngoài lãnh thổ Việt Nam: {why}",
        "the quarters lie at longitude {lon0}…{lon1}, latitude {lat0}…{lat1}, outside Viet Nam: {why}",
    ),
    "fix.map.assign_crs": (
        "gán đúng CRS cho lớp (QGIS: Layer Properties › Source) và {export}",
        "assign the right CRS to the layer (QGIS: Layer Properties › Source) and {export}",
    ),
    "map.empty_geometry": ("{feature} có hình học trống", "{feature} has an empty geometry"),
    "fix.map.empty_geometry": (
        "vẽ vùng của khu phố/thôn hoặc xóa đối tượng đó",
        "draw the quarter's polygon or delete the feature",
    ),
    "map.not_polygon": ("{feature} là {kind}, không phải vùng (polygon)", "{feature} is a {kind}, not a polygon"),
    "fix.map.not_polygon": (
        "mỗi khu phố/thôn phải là một vùng (Polygon hoặc MultiPolygon)",
        "each quarter must be an area (Polygon or MultiPolygon)",
    ),
    "map.invalid": ("{feature} có vùng không hợp lệ ({reason})", "{feature} has an invalid polygon ({reason})"),
    "fix.map.invalid": (
        "sửa lại (QGIS: Vector › Geometry Tools › Fix Geometries) hoặc vẽ lại",
        "repair it (QGIS: Vector › Geometry Tools › Fix Geometries) or redraw it",
    ),
    "map.overlap": (
        "các khu phố/thôn '{a}' (đối tượng {fa}) và '{b}' (đối tượng {fb}) chồng lên nhau {area} m² "
        "({share} diện tích của khu nhỏ hơn)",
        "the quarters '{a}' (feature {fa}) and '{b}' (feature {fb}) overlap by {area} m² ({share} of the smaller one)",
    ),
    "fix.map.overlap": (
        "vẽ lại ranh giới chung để mỗi nơi chỉ thuộc một khu phố/thôn",
        "redraw the shared boundary so that every place belongs to one quarter only",
    ),
    "map.missing_attribute": (
        "thiếu thuộc tính '{column}'; bản đồ có: {present}",
        "the attribute '{column}' is missing; the map has: {present}",
    ),
    "fix.map.missing_attribute": (
        "thêm trường chữ '{column}' vào lớp (QGIS: Field Calculator) và điền giá trị",
        "add a text field '{column}' to the layer (QGIS: Field Calculator) and fill it in",
    ),
    "map.no_features": ("bản đồ không có đối tượng nào", "the map has no features"),
    "fix.map.no_features": ("vẽ mỗi khu phố/thôn một vùng", "draw one polygon per quarter"),
    "map.blank_attribute": ("{feature} không có giá trị '{column}'", "{feature} has no {column}"),
    "fix.map.blank_attribute": ("điền '{column}' cho mọi khu phố/thôn", "fill in the {column} of every quarter"),
    "map.duplicate_id": (
        "quarter_id '{quarter_id}' được dùng cho nhiều đối tượng ({features})",
        "quarter_id '{quarter_id}' is used by several features ({features})",
    ),
    "fix.map.duplicate_id": (
        "đặt cho mỗi khu phố/thôn một quarter_id riêng (gộp các vùng nếu chúng là một khu phố/thôn)",
        "give every quarter its own quarter_id (merge the polygons if they are one quarter)",
    ),
    # --- checks between files --------------------------------------------------------------------
    "cross.unpopulated": (
        "quarter_id '{quarter_id}' của {source} không có dòng nào; khu phố/thôn nào trên bản đồ cũng cần có số dân",
        "quarter_id '{quarter_id}' of {source} has no rows; every quarter on the map needs its population",
    ),
    "fix.cross.unpopulated": (
        "thêm các dòng của khu phố/thôn đó (ghi count 0 nếu không có ai sống ở đó) hoặc kiểm tra "
        "quarter_id có được viết giống nhau ở cả hai tệp không",
        "add its rows (count 0 if nobody lives there) or check that the quarter_id is spelled the same in both files",
    ),
    "cross.zone_level": (
        "school_id '{school_id}' là trường cấp {school_level} trong schools.csv, không phải {level}",
        "school_id '{school_id}' is a {school_level} school in schools.csv, not {level}",
    ),
    "fix.cross.zone_level": (
        "phân khu phố/thôn về một trường đúng cấp học này, hoặc sửa lại cấp học",
        "send the quarter to a school of this level, or correct the level",
    ),
    "cross.zone_coverage": (
        "cấp {level}: khu phố/thôn {shown} chưa có trường; cấp học đã phân tuyến thì phải phân tuyến "
        "cho mọi khu phố/thôn",
        "level {level}: the quarter(s) {shown} have no school; a level that is zoned must be zoned for every quarter",
    ),
    "fix.cross.zone_coverage": (
        "thêm một dòng quarter_id, {level}, school_id cho từng khu phố/thôn đó",
        "add a row quarter_id, {level}, school_id for each of them",
    ),
    "cross.base_not_year": (
        "base_year {base_year} không phải là năm có trong population.csv ({first}–{last})",
        "base_year {base_year} is not a year of population.csv ({first}–{last})",
    ),
    "fix.cross.base_not_year": (
        "đặt base_year là năm dân số cuối cùng được dùng (muộn nhất là {last}) hoặc thêm số dân của năm đó",
        "set base_year to the last year of population to use (at most {last}) or add that year's population",
    ),
    "cross.base_first": (
        "base_year {base_year} là năm đầu tiên của population.csv: không có năm nào trước đó để học theo",
        "base_year {base_year} is the first year of population.csv: no earlier year to learn from",
    ),
    "fix.cross.base_first": (
        "đặt base_year là một năm sau đó (tới {last}) hoặc thêm các năm trước",
        "set base_year to a later year (up to {last}) or add earlier years",
    ),
    "cross.horizon": (
        "horizon {horizon} không sau năm dân số cuối cùng {base_year}: không có gì để dự báo",
        "horizon {horizon} is not after the last population year {base_year}: nothing to forecast",
    ),
    "fix.cross.horizon": (
        "đặt horizon sau năm {base_year} (mặc định {default})",
        "set horizon later than {base_year} (default {default})",
    ),
    "cross.school_outside": (
        "trường ở lon {lon}, lat {lat} nằm ngoài xã/phường {km} km (ngoài phần hợp của các khu "
        "phố/thôn trong {source})",
        "the school at lon {lon}, lat {lat} is {km} km outside the ward (the union of the quarters of {source})",
    ),
    "fix.cross.school_outside": (
        "kiểm tra lon và lat (độ thập phân, WGS 84); trường phải nằm trong phạm vi {limit} km quanh xã/phường",
        "check lon and lat (decimal degrees, WGS 84); schools must lie within {limit} km of the ward",
    ),
    # --- the scenarios file of `tuyensinh compare` (tuyensinh.scenarios.file) --------------------
    "scenario.where_block": (
        "kịch bản '{name}' (khối [[scenario]] thứ {number})",
        "scenario '{name}' ([[scenario]] block {number})",
    ),
    "scenario.where_name": ("kịch bản '{name}'", "scenario '{name}'"),
    "scenario.where_unnamed": ("khối [[scenario]] thứ {number}", "[[scenario]] block {number}"),
    "scenario.where_change": (
        "{block}, bảng [[scenario.{table}]] thứ {position}",
        "{block}, table [[scenario.{table}]] no. {position}",
    ),
    "scenario.where_table": ("{block}, bảng [scenario.{table}.…]", "{block}, table [scenario.{table}.…]"),
    "scenario.not_integer": (
        "{where}: {key} = {value} không phải là số nguyên",
        "{where}: {key} = {value} is not a whole number",
    ),
    "fix.scenario.integer": (
        "ghi một số nguyên, không có dấu ngoặc kép và không có phần thập phân, ví dụ {key} = {example}",
        "write a whole number without quotes or decimals, e.g. {key} = {example}",
    ),
    "scenario.not_number": ("{where}: {key} = {value} không phải là số", "{where}: {key} = {value} is not a number"),
    "fix.scenario.number": (
        "ghi một số bình thường, không có dấu ngoặc kép (dấu chấm cho phần thập phân), ví dụ {key} = {example}",
        "write a plain number without quotes (a dot for decimals), e.g. {key} = {example}",
    ),
    "scenario.not_text": ("{where}: {key} = {value} không phải là chữ", "{where}: {key} = {value} is not a text"),
    "fix.scenario.text": (
        "ghi giá trị trong dấu ngoặc kép, ví dụ {key} = {example}",
        "write the value in double quotes, e.g. {key} = {example}",
    ),
    "scenario.below": ("{where}: {key} = {value} nhỏ hơn {minimum}", "{where}: {key} = {value} is below {minimum}"),
    "scenario.above": ("{where}: {key} = {value} lớn hơn {maximum}", "{where}: {key} = {value} is above {maximum}"),
    "fix.scenario.range": ("ghi một giá trị từ {minimum} đến {maximum}", "write a value from {minimum} to {maximum}"),
    "fix.scenario.at_least": ("ghi một giá trị không nhỏ hơn {minimum}", "write a value of at least {minimum}"),
    "scenario.outside_vn": (
        "{where}: {key} = {value} nằm ngoài Việt Nam ({key} phải từ {minimum} đến {maximum})",
        "{where}: {key} = {value} is outside Viet Nam ({key} must be from {minimum} to {maximum})",
    ),
    "fix.scenario.position": (
        "ghi vị trí của trường bằng độ thập phân (WGS 84), ví dụ lon = 106.95, lat = 11.83; "
        "Google Maps sao chép tọa độ theo thứ tự 'lat, lon'",
        "write the school's position in decimal degrees (WGS 84), e.g. lon = 106.95, "
        "lat = 11.83; Google Maps copies coordinates as 'lat, lon'",
    ),
    "scenario.swapped": (
        "{where}: lon = {lon} và lat = {lat} có vẻ bị đảo ngược (Việt Nam nằm ở kinh độ 102–118°Đ, vĩ độ 8–24°B)",
        "{where}: lon = {lon} and lat = {lat} look swapped (Viet Nam lies at longitude 102–118°E, latitude 8–24°N)",
    ),
    "fix.scenario.swapped": (
        "đổi chỗ hai giá trị: lon = {lon}, lat = {lat}; Google Maps sao chép tọa độ theo thứ tự 'lat, lon'",
        "exchange the two values: lon = {lon}, lat = {lat}; Google Maps copies coordinates as 'lat, lon'",
    ),
    "scenario.share_above_1": (
        "{where}: {key} = {value} là một tỷ lệ và không được lớn hơn {maximum}",
        "{where}: {key} = {value} is a share and cannot exceed {maximum}",
    ),
    "scenario.level": (
        "{where}: level = {value} không phải là cấp học mà tuyensinh lập kế hoạch{hint}",
        "{where}: level = {value} is not a level tuyensinh plans{hint}",
    ),
    "fix.scenario.level": (
        'ghi level = "mam_non" (mầm non), "tieu_hoc" (tiểu học) hoặc "thcs" (trung học cơ sở)',
        'write level = "mam_non" (preschool), "tieu_hoc" (primary) or "thcs" (lower secondary)',
    ),
    "scenario.missing_key": ("{where}: thiếu {key}", "{where}: {key} is missing"),
    "fix.scenario.add_key": ("thêm dòng {key} = {example} vào bảng này", "add a line {key} = {example} to this table"),
    "scenario.unknown_key": ("{where}: khóa '{key}' không hợp lệ{hint}", "{where}: unknown key '{key}'{hint}"),
    "fix.scenario.keys": ("các khóa của {table} là {keys}", "the keys of {table} are {keys}"),
    "scenario.not_table": (
        "{where}: '{key}' phải là một bảng {header}, không phải {value}",
        "{where}: '{key}' must be a table {header}, not {value}",
    ),
    "fix.scenario.table": (
        "ghi {header} trên một dòng riêng, các dòng khóa = giá trị ở dưới; xem docs/workflow.md",
        "write {header} on its own line with the key = value lines below it; see docs/workflow.md",
    ),
    "scenario.unknown_top": (
        "khóa hoặc bảng '{key}' không hợp lệ ở đầu tệp{hint}",
        "unknown key or table '{key}' at the top of the file{hint}",
    ),
    "fix.scenario.only_blocks": (
        "tệp kịch bản chỉ gồm các khối [[scenario]]; xem docs/workflow.md",
        "a scenarios file holds only [[scenario]] blocks; see docs/workflow.md",
    ),
    "scenario.none": ("không có khối [[scenario]] nào", "no [[scenario]] block found"),
    "fix.scenario.none": (
        'bắt đầu mỗi kịch bản bằng dòng [[scenario]], tiếp theo là name = "…" và các thay đổi; xem docs/workflow.md',
        'start each scenario with a [[scenario]] line followed by name = "…" and its changes; see docs/workflow.md',
    ),
    "scenario.name_reserved": (
        "{where}: tên '{name}' dành cho phương án gốc (kế hoạch khi không có thay đổi nào)",
        "{where}: the name '{name}' is reserved for the plan without any change",
    ),
    "fix.scenario.name_reserved": ("đặt cho kịch bản một tên khác", "give the scenario another name"),
    "scenario.name_twice": (
        "{where}: tên '{name}' đã được dùng cho {earlier} trong {file}",
        "{where}: the name '{name}' is already used by {earlier} in {file}",
    ),
    "fix.scenario.name_twice": (
        "đặt cho mỗi kịch bản một tên riêng (tên hiện trong bảng so sánh)",
        "give every scenario its own name (the names head the comparison table)",
    ),
    "scenario.no_change": ("{where}: không có thay đổi nào", "{where}: no change given"),
    "fix.scenario.no_change": (
        "thêm ít nhất một bảng [[scenario.open_school]], [[scenario.close_school]], "
        "[[scenario.housing]], [scenario.norms.…] hoặc [scenario.rates.…]",
        "add at least one table [[scenario.open_school]], [[scenario.close_school]], "
        "[[scenario.housing]], [scenario.norms.…] or [scenario.rates.…]",
    ),
    "scenario.syntax": (
        "tệp kịch bản không đúng cú pháp TOML{where}: {reason}",
        "the scenarios file is not valid TOML{where}: {reason}",
    ),
    "fix.scenario.syntax": (
        'kiểm tra dòng đó: giá trị chữ phải đặt trong dấu ngoặc kép (name = "Dự án nhà ở KP14"), '
        "số thì không (new_dwellings = 400), mỗi tiêu đề bảng nằm trên một dòng riêng ([[scenario]])",
        'check that line: text values need double quotes (name = "Dự án nhà ở KP14"), numbers '
        "none (new_dwellings = 400), each table header on its own line ([[scenario]])",
    ),
    "scenario.file_missing": ("không có tệp kịch bản này", "the scenarios file does not exist"),
    "fix.scenario.file_missing": ("kiểm tra đường dẫn ghi sau --scenario", "check the path given after --scenario"),
    "scenario.year_range": (
        "{where}: {key} = {value} nằm ngoài các năm của kế hoạch ({first}–{last})",
        "{where}: {key} = {value} is outside the years of the plan ({first}–{last})",
    ),
    "fix.scenario.year_range": (
        "ghi một năm từ {first} (năm sau base_year {base_year}) đến {last} (horizon trong ward.toml)",
        "write a year from {first} (the year after base_year {base_year}) to {last} (horizon in ward.toml)",
    ),
    "scenario.unknown_quarter": (
        "{where}: quarter_id = {value} không phải là khu phố/thôn của xã/phường{hint}",
        "{where}: quarter_id = {value} is not a quarter of the ward{hint}",
    ),
    "fix.scenario.unknown_quarter": (
        "dùng một quarter_id có trên bản đồ khu phố/thôn ({ids})",
        "use a quarter_id of the map of quarters ({ids})",
    ),
    "scenario.unknown_school": (
        "{where}: school_id = {value} không phải là trường trong schools.csv{hint}",
        "{where}: school_id = {value} is not a school of schools.csv{hint}",
    ),
    "fix.scenario.unknown_school": (
        "dùng một school_id có trong schools.csv hoặc của trường mở trong cùng kịch bản ({ids})",
        "use a school_id of schools.csv or of a school opened in the same scenario ({ids})",
    ),
    "scenario.school_exists": (
        "{where}: school_id = {value} đã có trong schools.csv hoặc đã được mở ở bảng trước",
        "{where}: school_id = {value} already exists in schools.csv or in an earlier table",
    ),
    "fix.scenario.school_exists": (
        "đặt một school_id mới, khác với các mã đã có ({ids})",
        "choose a new school_id, different from those in use ({ids})",
    ),
    "scenario.norm_refused": (
        "{where}: bảng định mức không nhận giá trị này: {reason}",
        "{where}: the norm table does not accept it: {reason}",
    ),
    # --- limits against hostile or broken input (issue 17) ------------------------------------
    "table.not_finite": ("'{value}' không phải là một số hữu hạn", "'{value}' is not a finite number"),
    "table.too_long": (
        "'{value}' dài {n} ký tự, quá giới hạn {limit} ký tự",
        "'{value}' is {n} characters long, over the limit of {limit}",
    ),
    "fix.table.too_long": ("rút gọn còn tối đa {limit} ký tự", "shorten it to at most {limit} characters"),
    "table.id_formula": (
        "mã '{value}' bắt đầu bằng '{char}', ký tự mà Excel hiểu là công thức; mã không được bắt đầu bằng = + - @",
        "the id '{value}' starts with '{char}', which spreadsheets read as a formula; ids may not start with = + - @",
    ),
    "fix.table.id_formula": (
        "bỏ ký tự đó, chỉ dùng chữ và số (ví dụ KP01)",
        "remove that character; use letters and digits (e.g. KP01)",
    ),
    "table.implausible": (
        "{value} lớn bất thường cho cột '{name}' (thường không quá {plausible}{unit}); vẫn được dùng",
        "{value} is unusually large for '{name}' (normally at most {plausible}{unit}); it is used as written",
    ),
    "fix.table.implausible": ("kiểm tra lại giá trị này (có thể gõ thừa chữ số)", "check this value (an extra digit?)"),
    "problems.more": (
        "… và {n} lỗi khác trong tệp này (chỉ hiện {cap} lỗi đầu tiên của mỗi tệp)",
        "… and {n} more problems in this file (only the first {cap} of each file are shown)",
    ),
    "fix.problems.more": (
        "sửa các lỗi trên rồi chạy lại để xem các lỗi còn lại",
        "fix the problems above and run again to see the rest",
    ),
    "pop.all_zero": (
        "mọi số dân đều bằng 0 (tổng {total} người); không thể dự báo từ dữ liệu trống",
        "every count is 0 (total {total} persons); nothing can be forecast from empty data",
    ),
    "pop.near_empty": (
        "năm {year} chỉ có {total} người trong toàn bộ tệp ({cells} ô khác 0); dự báo từ số liệu ít như "
        "vậy rất bất định",
        "only {total} persons in year {year} in the whole file ({cells} non-zero cells); a forecast from "
        "so few is very uncertain",
    ),
    "fix.pop.all_zero": (
        "kiểm tra cột count: có thể đã xuất nhầm cột hoặc mất số liệu",
        "check the count column: a wrong column may have been exported or the figures lost",
    ),
    "file.is_folder": ("{file} là một thư mục, không phải tệp", "{file} is a folder, not a file"),
    "fix.file.is_folder": (
        "đặt tệp {file} thật vào chỗ thư mục đó",
        "put the real {file} file in place of that folder",
    ),
    "file.loop": (
        "{file} là một liên kết tượng trưng (symlink) vòng tròn, trỏ lại chính nó",
        "{file} is a symbolic link loop (it points back to itself)",
    ),
    "file.broken_link": (
        "{file} là một liên kết tượng trưng (symlink) trỏ tới tệp không tồn tại",
        "{file} is a symbolic link to a file that does not exist",
    ),
    "fix.file.link": ("thay liên kết đó bằng tệp thật", "replace the link with the real file"),
    "file.unreadable": ("không đọc được {file}: {reason}", "{file} cannot be read: {reason}"),
    "fix.file.unreadable": (
        "kiểm tra quyền đọc của tệp (chuột phải › Properties › Security) hoặc chép lại tệp",
        "check the file's read permission (chmod a+r, or Properties › Security) or copy it again",
    ),
    "file.not_regular": (
        "{file} không phải là tệp thường (có thể là thiết bị hoặc ống dẫn)",
        "{file} is not a regular file (a device or a pipe)",
    ),
    "csv.field_too_long": (
        "dòng {row} có một ô dài hơn {limit} ký tự (thường do thiếu dấu ngoặc kép đóng)",
        "row {row} holds a cell longer than {limit} characters (often a missing closing quote)",
    ),
    "fix.csv.field_too_long": (
        "kiểm tra dấu ngoặc kép ở dòng đó và các dòng trước",
        "check the quotes on that row and the rows before it",
    ),
    "toml.too_deep": (
        "ward.toml lồng nhau quá sâu (mảng hoặc bảng lồng trong nhau hàng nghìn lần)",
        "ward.toml is nested too deeply (arrays or tables inside each other thousands of times)",
    ),
    "fix.toml.too_deep": (
        "viết lại ward.toml theo mẫu trong docs/data-format.md",
        "rewrite ward.toml from the example in docs/data-format.md",
    ),
    "map.duplicate_name": (
        "tên '{name}' được dùng cho nhiều khu phố/thôn ({features}); bản đồ và báo cáo sẽ không phân biệt được",
        "the name '{name}' is used by several quarters ({features}); maps and the report could not tell them apart",
    ),
    "fix.map.duplicate_name": (
        "đặt cho mỗi khu phố/thôn một tên riêng (ví dụ thêm số hoặc tên thôn)",
        "give each quarter its own name (e.g. add its number or hamlet)",
    ),
    "map.unclosed_ring": (
        "{feature}: vòng ranh giới không khép kín (điểm cuối khác điểm đầu)",
        "{feature}: a boundary ring is not closed (its last point differs from its first)",
    ),
    "fix.map.unclosed_ring": (
        "trong QGIS dùng Vector › Geometry Tools › Fix Geometries rồi xuất lại",
        "in QGIS run Vector › Geometry Tools › Fix Geometries and export again",
    ),
}

# What Python's TOML reader says (English) and how a planner reads it; other reasons are shown as written.
TOML_REASONS: dict[str, str] = {
    "Invalid value": "giá trị không hợp lệ",
    "Invalid statement": "câu lệnh không hợp lệ",
    "Unterminated string": "chuỗi chữ chưa có dấu ngoặc kép đóng",
    "Expected '=' after a key in a key/value pair": "thiếu dấu '=' sau tên khóa",
    "Expected newline or end of document after a statement": "sau mỗi khóa = giá trị phải xuống dòng",
    "Invalid initial character for a key part": "tên khóa bắt đầu bằng ký tự không hợp lệ",
    "Cannot overwrite a value": "một khóa được ghi hai lần",
    "Unclosed array": "danh sách chưa có dấu ']' đóng",
    "Unclosed inline table": "bảng chưa có dấu '}' đóng",
    "Expected ']' at the end of a table declaration": "thiếu dấu ']' ở cuối tiêu đề bảng",
    "Expected ']]' at the end of an array declaration": "thiếu dấu ']]' ở cuối tiêu đề [[…]]",
}

# Geometry types of map features, in Vietnamese (the type kept in brackets).
GEOMETRY_KINDS: dict[str, str] = {
    "Point": "điểm (Point)",
    "MultiPoint": "nhóm điểm (MultiPoint)",
    "LineString": "đường (LineString)",
    "MultiLineString": "nhóm đường (MultiLineString)",
    "LinearRing": "đường khép kín (LinearRing)",
    "GeometryCollection": "tập hợp hình (GeometryCollection)",
    "Polygon": "vùng (Polygon)",
    "MultiPolygon": "nhóm vùng (MultiPolygon)",
}

# Units of the table columns (`tables.Column.unit`, English) and their Vietnamese words.
UNITS: dict[str, str] = {
    "calendar year": "năm dương lịch",
    "years": "tuổi",
    "persons": "người",
    "degrees east": "độ kinh đông",
    "degrees north": "độ vĩ bắc",
    "rooms": "phòng",
    "pupils": "học sinh",
    "teachers": "giáo viên",
    "places": "chỗ",
    "classes": "lớp",
    "m²": "m²",
    "births": "trẻ",
    "dwellings": "căn nhà",
    "metres": "mét",
    # units of the norm table (capacity/norms.csv), shown with its limits
    "pupils per class": "học sinh mỗi lớp",
    "pupils per group": "trẻ mỗi nhóm",
    "rooms per class": "phòng mỗi lớp",
    "classes per school": "lớp mỗi trường",
    "grades per class": "khối lớp mỗi lớp ghép",
    "m² per pupil": "m² mỗi học sinh",
    "m² per boarder": "m² mỗi học sinh bán trú",
    "share of the age group enrolled": "tỷ lệ trẻ trong độ tuổi đi học",
    "share of enrolled pupils": "tỷ lệ trong số học sinh đi học",
    "share of the group's limit": "tỷ lệ so với sĩ số tối đa của nhóm",
    "share of age 0": "tỷ lệ trẻ 0 tuổi",
    "probability": "xác suất",
    "share of rooms": "tỷ lệ phòng học",
    "classrooms per 10000 school-age residents": "phòng học trên 10 000 dân trong độ tuổi đi học",
}


#: The catalog as a `Catalog` (the one `say` / `text` of every wording catalog).
PROBLEMS = Catalog(__name__, CATALOG)


def text(key: str, /, **fields: object) -> Text:
    """The catalog entry `key` rendered in both languages with `fields`."""
    return PROBLEMS.text(key, **fields)


def unit_text(unit: str) -> Text:
    """' (unit)' in both languages, or empty when there is no unit."""
    if not unit:
        return EMPTY
    return text("word.unit", unit=Text(UNITS.get(unit, unit), unit))
