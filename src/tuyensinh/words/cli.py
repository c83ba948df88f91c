"""The command line's own words: every help text of `tuyensinh … --help`, argparse's messages, the
placeholders of the usage lines, and what `forecast` and `capacity` print.

Help texts are keyed `<command>.<dest>` (an option's or positional's argparse `dest`),
`<command>.help` (the line in `tuyensinh --help`) and `<command>.description`;
`tuyensinh.cli.language.localize` puts them on the parser in the planner's language.
`ARGPARSE` translates argparse's own messages (usage, headings, option errors): msgid → Vietnamese
(`tuyensinh.cli.language.argparse_in`).
"""

from __future__ import annotations

from tuyensinh.words.core import Catalog

__all__ = ["ARGPARSE", "CLI", "METAVARS", "say"]

_WARD_DIR = (
    "thư mục dữ liệu của phường/xã (ward.toml, population.csv, schools.csv, …)",
    "the ward folder (ward.toml, population.csv, schools.csv, ...)",
)
_POP_DIR = (
    "thư mục của phường/xã, một thư mục chỉ có population.csv (births.csv, housing.csv, ward.toml nếu có), "
    "hoặc chính tệp CSV dân số",
    "the ward folder, a folder with only population.csv (births.csv, housing.csv, ward.toml optional), or a "
    "population CSV file",
)
_QUIET = ("không in các dòng tiến độ và thanh tiến độ ra stderr", "no progress lines or bars on stderr")
_LANG = (
    "ngôn ngữ của hướng dẫn, thông báo và kết quả: vi (tiếng Việt, mặc định) hoặc en (tiếng Anh)",
    "language of the help, the messages and the outputs: vi (Vietnamese, default) or en (English)",
)
_COMMAND = ("lệnh cần chạy (xem danh sách dưới đây)", "the command to run (listed below)")
_VERSION = ("in số phiên bản rồi thoát", "show the version number and exit")

_HELP: dict[str, tuple[str, str]] = {
    # tuyensinh
    "tuyensinh.description": (
        "Dự báo số trẻ, phân vùng tuyển sinh và lập kế hoạch phòng học cho một phường/xã. "
        "Gõ `tuyensinh LỆNH --help` để xem hướng dẫn của từng lệnh; thêm --lang en để xem bằng tiếng Anh.",
        "Enrollment forecasting, zoning and classroom planning for a ward or commune. "
        "Type `tuyensinh COMMAND --help` for each command's help; add --lang en for English.",
    ),
    "tuyensinh.command": _COMMAND,
    "tuyensinh.version": _VERSION,
    "tuyensinh.lang": _LANG,
    # init
    "init.help": (
        "lập thư mục phường/xã mới từ ranh giới và các khu phố/thôn (vùng hoặc điểm)",
        "start a new ward folder from the commune's boundary and its quarters (polygons or points)",
    ),
    "init.description": (
        "Lập thư mục phường/xã mới: ward.toml, quarters.geojson và sổ mẫu ward.xlsx để điền. Ranh giới là mã "
        "đơn vị hành chính có trong data/boundaries (ví dụ 06085) hoặc một tệp; các khu phố/thôn là một lớp "
        "vùng, hoặc các điểm (CSV có quarter_id, name, lon, lat, hoặc điểm GeoJSON) từ đó vẽ các khu phố/thôn "
        "gần đúng (ô Voronoi cắt theo ranh giới).",
        "Start a new ward folder: ward.toml, quarters.geojson and a template workbook ward.xlsx to fill in. "
        "The boundary is an administrative code of data/boundaries (e.g. 06085) or a file; the quarters are a "
        "polygon layer, or points (CSV with quarter_id, name, lon, lat, or GeoJSON points) from which "
        "approximate quarters are drawn (Voronoi cells clipped to the boundary).",
    ),
    "init.ward_dir": (
        "thư mục phường/xã mới (chưa có hoặc đang trống)",
        "the new ward folder (must not exist or be empty)",
    ),
    "init.boundary": ("ranh giới phường/xã: một mã hoặc một tệp", "the ward's outline: a code or a file"),
    "init.points": (
        "mỗi khu phố/thôn một điểm (CSV có lon/lat hoặc điểm GeoJSON)",
        "one point per quarter (CSV lon/lat or GeoJSON points)",
    ),
    "init.quarters": (
        "các khu phố/thôn dạng vùng (GeoJSON, GeoPackage)",
        "the quarters as polygons (GeoJSON, GeoPackage)",
    ),
    "init.base_year": (
        "năm cuối có số liệu dân số (mặc định: năm nay)",
        "the last year of population data (default: this year)",
    ),
    "init.kind": ("mặc định: theo tên của ranh giới", "default: from the boundary's name"),
    "init.province": ("tên tỉnh/thành phố, ghi vào ward.toml", "the province's name, written into ward.toml"),
    "init.lang": (
        "ngôn ngữ của thông báo và của sổ mẫu: vi (mặc định) hoặc en",
        "language of the messages and of the template: vi (default) or en",
    ),
    # validate
    "validate.help": (
        "kiểm tra thư mục phường/xã và tóm tắt (hoặc liệt kê mọi lỗi)",
        "check a ward folder and summarise it (or list every problem)",
    ),
    "validate.description": (
        "Kiểm tra mọi tệp của thư mục phường/xã (docs/data-format.md). In bản tóm tắt và thoát với mã 0 khi "
        "dữ liệu hợp lệ; in mọi lỗi (tệp, dòng, cột, cách sửa) và thoát với mã 2 khi có lỗi.",
        "Check every file of a ward folder (docs/data-format.md). Prints a summary and exits 0 when the folder "
        "is valid; prints every problem (file, row, column, fix) and exits 2 when not.",
    ),
    "validate.ward_dir": _WARD_DIR,
    "validate.lang": (
        "ngôn ngữ của bản tóm tắt và của các lỗi: vi (tiếng Việt, mặc định) hoặc en (tiếng Anh)",
        "language of the summary and of the problems: vi (Vietnamese, default) or en (English)",
    ),
    # forecast
    "forecast.help": (
        "dự báo số trẻ theo khu phố/thôn, từng độ tuổi và từng năm, có khoảng dự báo",
        "forecast children per quarter, single age and year with prediction intervals",
    ),
    "forecast.description": (
        "Dự báo số người 0–18 tuổi theo khu phố/thôn, từng độ tuổi và từng năm (đến năm cuối) từ số liệu dân "
        "số các năm trước, có khoảng dự báo 80% và 95%; ghi forecast.csv và forecast_ward.csv vào --out.",
        "Forecast residents aged 0–18 per quarter, single age and year (to the horizon) from the population "
        "history, with 80% and 95% prediction intervals; writes forecast.csv and forecast_ward.csv into --out.",
    ),
    "forecast.ward_dir": _POP_DIR,
    "forecast.out": ("thư mục kết quả", "output folder"),
    "forecast.base_year": (
        "chỉ dùng số liệu đến hết năm Y (mặc định: base_year trong ward.toml)",
        "use only data up to the end of year Y (default: ward.toml base_year)",
    ),
    "forecast.horizon": (
        "năm dự báo cuối (mặc định: horizon trong ward.toml, thường là 2030)",
        "last forecast year (default: ward.toml horizon, normally 2030)",
    ),
    "forecast.charts": (
        "vẽ thêm biểu đồ dự báo của cả phường/xã (forecast_ward.png)",
        "also draw the ward fan chart (forecast_ward.png)",
    ),
    "forecast.lang": _LANG,
    # backtest
    "backtest.help": (
        "đo độ chính xác của dự báo trên số liệu các năm trước của phường/xã, so với các cách đơn giản",
        "measure forecast accuracy on the ward's own history against simple baselines",
    ),
    "backtest.description": (
        "Chạy lại dự báo từ mỗi năm trước đây và so với số thực tế: MAPE có trọng số, MAPE, MALPE và tỷ lệ "
        "nằm trong khoảng dự báo 80%/95% theo số năm dự báo trước, độ tuổi vào lớp đầu cấp và quy mô nhóm "
        "tuổi, cho phương pháp này và ba cách đơn giản. Chỉ ghi tệp khi có --out.",
        "Re-run the forecast from every past year and compare with what happened: weighted MAPE, MAPE, MALPE "
        "and 80%/95% interval coverage by horizon, entry age and cohort size, for the method and three "
        "baselines. Files are written only with --out.",
    ),
    "backtest.ward_dir": _POP_DIR,
    "backtest.out": (
        "thư mục ghi backtest.csv, backtest_cells.csv, backtest_ward.csv và backtest_entry_grades.csv "
        "(mặc định: không ghi gì, chỉ in bảng)",
        "output folder for backtest.csv, backtest_cells.csv, backtest_ward.csv and backtest_entry_grades.csv "
        "(default: none — the tables are printed, nothing is written)",
    ),
    "backtest.max_horizon": ("số năm dự báo trước được đánh giá (mặc định: 5)", "years ahead evaluated (default: 5)"),
    "backtest.base_year": (
        "năm cuối của số liệu được dùng (mặc định: base_year trong ward.toml)",
        "last year of data used (default: ward.toml base_year)",
    ),
    "backtest.lang": (
        "ngôn ngữ của các bảng in ra: vi (tiếng Việt, mặc định) hoặc en (tiếng Anh); các tệp CSV giống nhau ở cả hai",
        "language of the printed tables: vi (Vietnamese, default) or en (English); the CSV files are the same in both",
    ),
    # capacity
    "capacity.help": (
        "nhu cầu tuyển sinh, số lớp, phòng học, chỉ tiêu và cảnh báo thiếu phòng đến năm cuối",
        "enrollment demand, classes, classrooms, quotas and shortfall flags to the horizon",
    ),
    "capacity.description": (
        "Chuyển dự báo dân số thành nhu cầu tuyển sinh, phân về các trường theo vùng tuyển sinh hiện hành và "
        "ghi demand.csv, capacity.csv, quotas.csv, ward_summary.csv, hai biểu đồ (mức sử dụng phòng học, "
        "phòng học còn thiếu) và kế hoạch cơ sở vật chất (capacity_plan.xlsx) vào --out.",
        "Turn the population forecast into enrollment demand, send it to the schools of the current zones and "
        "write demand.csv, capacity.csv, quotas.csv, ward_summary.csv, two charts (utilization heat map, "
        "classroom shortfall) and the facilities plan (capacity_plan.xlsx) into --out.",
    ),
    "capacity.ward_dir": _WARD_DIR,
    "capacity.out": ("thư mục kết quả", "output folder"),
    "capacity.zones": (
        "tệp CSV vùng tuyển sinh (quarter_id, level, school_id[, share]); mặc định: zones.csv của phường/xã",
        "zones CSV (quarter_id, level, school_id[, share]); default: the ward's zones.csv",
    ),
    "capacity.forecast": (
        "forecast.csv do `tuyensinh forecast` ghi; mặc định: dự báo ngay",
        "forecast.csv from `tuyensinh forecast`; default: forecast now",
    ),
    "capacity.enrolment": (
        "số liệu học sinh các năm trước (school_year, grade, pupils) để ước tính tỷ lệ lên lớp của từng khối",
        "optional enrolment history (school_year, grade, pupils) to estimate progression per grade",
    ),
    "capacity.horizon": (
        "năm học cuối (mặc định: horizon trong ward.toml)",
        "last school year (default: ward.toml horizon)",
    ),
    "capacity.lang": _LANG,
    # zone
    "zone.help": (
        "vùng tuyển sinh của một cấp học: giao khu phố/thôn cho trường theo giới hạn sĩ số và phòng học",
        "enrollment zones for one level: quarters to schools under class and room limits",
    ),
    "zone.description": (
        "Giao mỗi khu phố/thôn cho một trường của cấp học sao cho học sinh đi học gần nhất, sĩ số không vượt "
        "quy định và số lớp vừa số phòng học; học sinh không xếp được chỗ được báo theo từng trường, không bị "
        "bỏ sót.",
        "Assign every quarter to a school of the level so that pupils walk as little as "
        "possible, classes stay within the class-size limits and classes fit the classrooms; pupils who cannot "
        "be seated are reported per school, never dropped.",
    ),
    "zone.ward_dir": _WARD_DIR,
    "zone.level": (
        "mam_non (mầm non), tieu_hoc (tiểu học) hoặc thcs (THCS)",
        "mam_non (preschool), tieu_hoc (primary) or thcs (lower secondary)",
    ),
    "zone.school_year": (
        "năm học cần phân vùng, ví dụ 2027 là năm học 2027–2028 (mặc định: năm sau năm gốc); nhiều năm cho một "
        "phương án phân vùng dùng chung cho tất cả các năm đó",
        "school year(s) to zone, e.g. 2027 for 2027–2028 (default: the year after the base year); several "
        "years give one zoning that holds for all of them",
    ),
    "zone.per_year": (
        "khi có nhiều năm --school-year: phân vùng riêng cho từng năm",
        "with several --school-year values: a separate zoning for each year",
    ),
    "zone.out": ("thư mục kết quả", "output folder"),
    "zone.entry_grade": (
        "chỉ phân vùng lớp đầu cấp (lớp 1, lớp 6; mọi nhóm tuổi mầm non)",
        "zone only the entry grade (grade 1, grade 6; every preschool group)",
    ),
    "zone.stability": (
        "số mét đi thêm đáng để giữ một học sinh ở trường hiện tại (mặc định 300 khi phường/xã có zones.csv, "
        "không có thì 0) — như `tuyensinh plan`",
        "metres of extra walking worth keeping one pupil at the current school (default 300 when the ward has "
        "zones.csv, else 0) — as in `tuyensinh plan`",
    ),
    "zone.max_distance": (
        "quãng đường đi học tối đa, mét (mặc định: không giới hạn)",
        "hard limit on the walking distance, metres (default: none)",
    ),
    "zone.distance_penalty": (
        "trọng số thêm cho mỗi mét vượt quá quy định về khoảng cách đi học (mặc định 1: tính gấp đôi)",
        "extra weight of each metre beyond the walking-distance norm (default 1: counts double)",
    ),
    "zone.contiguous": (
        "vùng tuyển sinh của mỗi trường là một khối liền, như `tuyensinh plan` (mặc định: bật, tắt khi có "
        "--split; --no-contiguous để tắt)",
        "make every school's zone one connected piece, as in `tuyensinh plan` (default: on, off with --split; "
        "--no-contiguous turns it off)",
    ),
    "zone.split": (
        "cho phép chia một khu phố/thôn cho nhiều trường",
        "allow a quarter to be shared between schools",
    ),
    "zone.time_limit": (
        "thời gian tối đa cho bộ giải, giây (mặc định 60, như `tuyensinh plan`)",
        "solver time limit, seconds (default 60, as in `tuyensinh plan`)",
    ),
    "zone.solver": (
        "highs (mặc định), pulp-highs (HiGHS qua PuLP) hoặc cbc",
        "highs (default), pulp-highs (HiGHS through PuLP) or cbc",
    ),
    "zone.lang": _LANG,
    "zone.paper": (
        "khổ giấy của bản đồ PNG và PDF: A4 (mặc định) hoặc A3, lề 10 mm",
        "sheet of the PNG and PDF map: A4 (default) or A3, 10 mm margins",
    ),
    "zone.orientation": (
        "khổ dọc (portrait) hoặc ngang (landscape) (mặc định auto: khổ in phường/xã to hơn)",
        "portrait or landscape sheet (default auto: the one that prints the ward larger)",
    ),
    "zone.quiet": _QUIET,
    # plan
    "plan.help": (
        "quy trình tháng Mười Hai: dự báo, phân vùng, phòng học, chỉ tiêu, bản đồ và báo cáo",
        "the December workflow: forecast, zoning, classrooms, quotas, maps and report",
    ),
    "plan.description": (
        "Chạy toàn bộ quy trình tháng Mười Hai trên thư mục phường/xã và ghi mọi kết quả (các bảng CSV, "
        "quotas.xlsx, zones.gpkg, bản đồ, report.html, manifest.json) vào --out. Nội dung cũ của --out chỉ bị "
        "thay khi chạy thành công.",
        "Run the whole December workflow on a ward folder and write every output (CSV tables, quotas.xlsx, "
        "zones.gpkg, maps, report.html, manifest.json) into --out. The previous contents of --out are replaced "
        "only when the run succeeds.",
    ),
    "plan.ward_dir": _WARD_DIR,
    "plan.out": ("thư mục kết quả (được thay toàn bộ)", "output folder (replaced as a whole)"),
    "plan.school_year": (
        "năm học cần phân vùng và giao chỉ tiêu (Y là năm học Y–Y+1; mặc định: năm gốc + 1)",
        "school year to zone and set quotas for (Y = Y–Y+1; default: base year + 1)",
    ),
    "plan.lang": _LANG,
    "plan.stability": (
        "số mét đi thêm đáng để giữ một học sinh ở trường hiện tại (mặc định: 300; 0 = chỉ tính quãng đường ngắn nhất)",
        "metres of travel one pupil moved away from its current school is worth (default: 300; 0 = shortest "
        "distances only)",
    ),
    "plan.max_distance": (
        "quãng đường từ nhà đến trường tối đa, mét (mặc định: không giới hạn)",
        "hard maximum home–school distance in metres (default: none)",
    ),
    "plan.contiguous": (
        "vùng tuyển sinh của mỗi trường là một khối liền, như bản đồ công bố cần có (mặc định: bật; "
        "--no-contiguous để tắt)",
        "require each school's zone to be one connected piece, as published zoning maps should be (default: "
        "on; --no-contiguous turns it off)",
    ),
    "plan.time_limit": (
        "thời gian tối đa cho bộ giải mỗi lần phân vùng, giây (mặc định: 60)",
        "solver time limit per zoning, seconds (default: 60)",
    ),
    "plan.no_yearly": (
        "không phân vùng lại từng năm sau (nhanh hơn; vùng tuyển sinh năm tới vẫn giữ nguyên)",
        "skip re-zoning each later year (faster; the coming year's zones still hold)",
    ),
    "plan.network": (
        "lập thêm kế hoạch mạng lưới trường (candidates.csv, constraints.csv, neighbours.csv: điểm xây mới, "
        "đóng trường) vào THƯ_MỤC/network/ và báo cáo, như `tuyensinh network`",
        "also plan the school network (candidates.csv, constraints.csv, neighbours.csv: new sites, closures) "
        "into DIR/network/ and the report, as `tuyensinh network` does",
    ),
    "plan.budget": (
        "khi có --network: kinh phí cho mọi điểm xây mới, tỷ đồng (mặc định: không giới hạn)",
        "with --network: money for all new sites, billion VND (default: no limit)",
    ),
    "plan.paper": (
        "khổ giấy của bản đồ (maps/*.pdf, *.png) và của báo cáo khi in: A4 (mặc định) hoặc A3",
        "paper of the maps (maps/*.pdf, *.png) and of the printed report: A4 (default) or A3",
    ),
    "plan.orientation": (
        "bản đồ khổ dọc (portrait) hoặc ngang (landscape) (mặc định auto: khổ in phường/xã to hơn)",
        "portrait or landscape map sheets (default auto: the one that prints the ward larger)",
    ),
    "plan.quiet": _QUIET,
    # compare
    "compare.help": (
        "so sánh kế hoạch theo các kịch bản (trường mới, dự án nhà ở, sĩ số, đóng trường)",
        "compare the plan under what-if scenarios (new school, housing, class sizes, closing)",
    ),
    "compare.description": (
        "Tính kế hoạch của phường/xã như hiện nay và theo từng kịch bản, rồi in số lớp, số phòng học còn "
        "thiếu và học sinh × km của từng phương án theo cấp học và năm học.",
        "Compute the plan for the ward as it is and for each scenario, and show classes, rooms short and "
        "pupil-km of each option per level and school year.",
    ),
    "compare.ward_dir": _WARD_DIR,
    "compare.scenario": (
        "tệp kịch bản TOML (dùng được nhiều lần; mỗi tệp có thể có nhiều [[scenario]])",
        "scenarios TOML file (repeatable; each may hold several [[scenario]])",
    ),
    "compare.out": (
        "ghi thêm compare.csv, compare_differences.csv và compare.xlsx vào THƯ_MỤC",
        "also write compare.csv, compare_differences.csv and compare.xlsx into DIR",
    ),
    "compare.school_year": (
        "năm học đầu tiên (mặc định: năm gốc + 1)",
        "first school year (default: base year + 1)",
    ),
    "compare.lang": _LANG,
    "compare.time_limit": (
        "thời gian tối đa cho bộ giải mỗi mô hình phân vùng, giây (mặc định: 60)",
        "solver time limit per zoning model, seconds (default: 60)",
    ),
    "compare.quiet": _QUIET,
    # network
    "network.help": (
        "mạng lưới trường: điểm xây mới trong kinh phí, đóng và sáp nhập trường, các ràng buộc của phường/xã",
        "the school network: new sites within a budget, closures and mergers, the ward's constraints",
    ),
    "network.description": (
        "Chọn điểm xây mới nào (candidates.csv) được mở, khi nào và bao nhiêu phòng, để học sinh đi học gần "
        "nhất và không trường nào quá tải, trong kinh phí; rà soát các trường nhỏ và điểm trường lẻ; tuân "
        "theo constraints.csv và dùng chỗ học của phường/xã lân cận (neighbours.csv).",
        "Choose which candidate sites (candidates.csv) open, when and how big, so pupils walk least and no "
        "school is over capacity, within a budget; review the small schools and satellite sites; honour "
        "constraints.csv and use neighbouring wards' seats (neighbours.csv).",
    ),
    "network.ward_dir": _WARD_DIR,
    "network.out": ("thư mục kết quả", "output folder"),
    "network.budget": (
        "kinh phí cho mọi điểm xây mới, tỷ đồng; mặc định: không giới hạn",
        "money for all new sites, in billion VND; default: no money limit",
    ),
    "network.max_sites": ("mở tối đa N điểm", "open at most N sites"),
    "network.level": ("các cấp học cần lập kế hoạch (mặc định: tất cả)", "levels to plan (default: all)"),
    "network.time_limit": (
        "thời gian tối đa cho bộ giải mỗi mô hình, giây (mặc định 20)",
        "solver time limit per model, seconds (default 20)",
    ),
    "network.max_increase": (
        "quy tắc đóng trường: quãng đường đi học của mỗi khu phố/thôn không được tăng quá MÉT mét (mặc định 300)",
        "closure rule: no quarter's trip may grow by more than M metres (default 300)",
    ),
    "network.within_norm": (
        "quy tắc đóng trường: quãng đường chỉ được tăng trong phạm vi quy định về khoảng cách đi học",
        "closure rule: a trip may grow only within the walking-distance norm",
    ),
    "network.curve": (
        "đường cong ngân sách cho 0 … N điểm (mặc định 3; 0: không vẽ)",
        "budget curve for 0 … N sites (default 3; 0: none)",
    ),
    "network.no_closures": ("không rà soát các trường nhỏ", "skip the review of small schools"),
    "network.lang": _LANG,
    # batch
    "batch.help": (
        "lập kế hoạch song song cho mọi thư mục phường/xã của một tỉnh (Dask), rồi tổng hợp toàn tỉnh",
        "plan every ward folder of a province in parallel (Dask), then the province roll-up",
    ),
    "batch.description": (
        "Lập kế hoạch cho mọi thư mục phường/xã trong THƯ_MỤC_TỈNH, song song trên một cụm Dask tại máy "
        "(--workers N) hoặc một cụm có sẵn (--scheduler ĐỊA_CHỈ); kết quả của mỗi phường/xã trong "
        "THƯ_MỤC/wards/<phường>/, rồi bảng tổng hợp toàn tỉnh (province.xlsx, province_report.html, bản đồ). Chạy "
        "lại sẽ bỏ qua các phường/xã có dữ liệu và thiết lập không đổi; --force lập lại tất cả.",
        "Plan every ward folder under PROVINCE_DIR in parallel on a local Dask cluster (--workers N) or an "
        "existing one (--scheduler ADDRESS); each ward's outputs in DIR/wards/<ward>/, then the province "
        "roll-up (province.xlsx, province_report.html, map). A rerun skips the wards whose inputs and settings "
        "are unchanged; --force plans them all again.",
    ),
    "batch.province_dir": (
        "thư mục chứa mỗi phường/xã một thư mục con",
        "folder holding one sub-folder per ward",
    ),
    "batch.out": (
        "thư mục kết quả: wards/<phường>/ (kế hoạch của từng phường/xã), batch.json và bảng tổng hợp",
        "output folder: wards/<ward>/ (each ward's plan), batch.json and the roll-up",
    ),
    "batch.workers": (
        "số tiến trình của cụm Dask tại máy (mặc định: mỗi lõi một tiến trình)",
        "worker processes of the local Dask cluster (default: one per core)",
    ),
    "batch.scheduler": (
        "dùng một cụm Dask có sẵn (ví dụ tcp://10.0.0.5:8786) thay cho cụm tại máy; các máy của cụm phải "
        "thấy cùng các thư mục",
        "use an existing Dask cluster (e.g. tcp://10.0.0.5:8786) instead of a local one; its workers must see "
        "the same folders",
    ),
    "batch.force": (
        "lập lại kế hoạch mọi phường/xã, kể cả khi dữ liệu và thiết lập không đổi",
        "plan every ward again, even those whose inputs and settings are unchanged",
    ),
    "batch.citywide": (
        "phân tuyến thêm cấp CẤP_HỌC vượt qua ranh giới phường/xã (thcs, tieu_hoc; dùng được nhiều lần)",
        "also zone LEVEL across ward lines (thcs, tieu_hoc; repeatable)",
    ),
    "batch.citywide_time_limit": (
        "thời gian tối đa cho bộ giải của phân vùng toàn thành phố, giây (mặc định 60)",
        "solver time limit of the city-wide zoning, seconds (default 60)",
    ),
    "batch.school_year": (
        "năm học cần phân vùng và giao chỉ tiêu (mặc định: năm gốc của từng phường/xã + 1)",
        "school year to zone and set quotas for (default: each ward's base year + 1)",
    ),
    "batch.lang": _LANG,
    "batch.time_limit": (
        "thời gian tối đa cho bộ giải mỗi mô hình phân vùng trong kế hoạch của từng phường/xã, giây (mặc định 60)",
        "solver time limit per zoning model in each ward's plan (default 60)",
    ),
    "batch.no_yearly": (
        "không phân vùng lại từng năm sau ở mỗi phường/xã",
        "skip re-zoning each later year in each ward",
    ),
    "batch.map_dpi": (
        "độ phân giải bản đồ PNG của mỗi phường/xã (mặc định 300)",
        "resolution of each ward's PNG maps (default 300)",
    ),
    "batch.quiet": ("không in tiến độ ra stderr", "no progress on stderr"),
    # citywide
    "citywide.help": (
        "phân tuyến một cấp học vượt qua ranh giới phường/xã, trên kết quả của tuyensinh batch",
        "zone one level across ward lines, on the outputs of tuyensinh batch",
    ),
    "citywide.description": (
        "Phân tuyến CẤP_HỌC (mặc định THCS) cho toàn thành phố, không theo ranh giới phường/xã: mọi khu phố/thôn "
        "và mọi trường của các phường/xã đã lập kế hoạch trong THƯ_MỤC_KẾT_QUẢ (thư mục --out của một lần chạy "
        "tuyensinh batch), với số học sinh mà kế hoạch của từng phường/xã đã dự báo, so với phân tuyến theo từng "
        "phường/xã. Kết quả trong THƯ_MỤC_KẾT_QUẢ/citywide_<cấp>/: zones.csv, comparison.csv, load.csv, "
        "solver.json, map.png.",
        "Zone LEVEL (default lower secondary) across the whole city regardless of ward lines: every quarter and "
        "school of the wards planned in OUT_DIR (the --out of a tuyensinh batch), with the pupils each ward's "
        "plan forecast, compared with the ward-by-ward zoning. Outputs in OUT_DIR/citywide_<level>/: zones.csv, "
        "comparison.csv, load.csv, solver.json, map.png.",
    ),
    "citywide.out_dir": (
        "thư mục kết quả của một lần chạy tuyensinh batch trước (thư mục --out của lần đó)",
        "the output folder of an earlier tuyensinh batch (its --out)",
    ),
    "citywide.level": (
        "cấp học cần phân vùng: thcs (mặc định), tieu_hoc hoặc mam_non",
        "level to zone: thcs (default), tieu_hoc or mam_non",
    ),
    "citywide.school_year": (
        "năm học cần phân vùng (mặc định: năm học tới trong kế hoạch của các phường/xã)",
        "school year to zone (default: the coming school year of the wards' plans)",
    ),
    "citywide.time_limit": (
        "thời gian tối đa cho bộ giải, giây (mặc định 60)",
        "solver time limit, seconds (default 60)",
    ),
    "citywide.contiguous": (
        "vùng của mỗi trường là một mảng liền (chậm hơn)",
        "each school's zone one connected piece (slower)",
    ),
    "citywide.lang": _LANG,
    "citywide.quiet": ("không in bản tóm tắt ra stderr", "no summary on stderr"),
    # python -m tuyensinh.province (`batch` and `citywide` as above, plus `sample`)
    "province.description": (
        "Quy mô tỉnh, thành phố: lập kế hoạch nhiều phường/xã song song (Dask), tổng hợp toàn tỉnh, phân "
        "tuyến vượt ranh giới phường/xã; `sample` tạo tỉnh mẫu để chạy thử.",
        "Province scale: many wards planned in parallel (Dask), the province roll-up, zoning across ward "
        "lines; `sample` writes a sample province to try them on.",
    ),
    "province.command": _COMMAND,
    "province.version": _VERSION,
    "province.lang": _LANG,
    "sample.help": (
        "tạo tỉnh mẫu (số liệu giả lập) từ ranh giới 168 phường/xã của TP. Hồ Chí Minh",
        "write the sample province (synthetic data) from the outlines of HCMC's 168 wards",
    ),
    "sample.description": (
        "Tạo một thư mục phường/xã giả lập cho mỗi phường/xã của TP. Hồ Chí Minh (ranh giới thật, số liệu "
        "giả lập) và tệp province.toml trong THƯ_MỤC, để chạy thử tuyensinh batch.",
        "Write one synthetic ward folder per ward of Ho Chi Minh City (real outlines, synthetic data) and "
        "province.toml into DIR, to try tuyensinh batch on.",
    ),
    "sample.out": ("thư mục sẽ ghi tỉnh mẫu vào", "folder to write the sample province into"),
    "sample.wards": (
        "chỉ lấy N phường/xã gần Phường Sài Gòn nhất (mặc định: cả 168)",
        "only the N wards nearest Phường Sài Gòn (default: all 168)",
    ),
    "sample.broken": (
        "cố ý làm hỏng dữ liệu của K phường/xã cuối, để xem báo lỗi (mặc định 0)",
        "spoil the data of the last K wards on purpose, to see the errors reported (default 0)",
    ),
    "sample.lang": _LANG,
}

_SAY: dict[str, tuple[str, str]] = {
    # what `forecast` prints
    "said.forecast_done": (
        "{place}: dự báo độ tuổi 0–18 cho {n} khu phố/thôn, {first}–{last} (năm gốc {base}; khoảng dự báo "
        "hiệu chỉnh trên {errors} sai số trong quá khứ) → {out}",
        "{place}: forecast of ages 0–18 for {n} quarters, {first}–{last} (base year {base}; intervals "
        "calibrated on {errors} past errors) → {out}",
    ),
    # what `capacity` prints, and its errors
    "said.capacity_heading": (
        "Phòng học đến năm học {years}: kết quả trong {out}",
        "Capacity to school year {years}: written to {out}",
    ),
    "said.capacity_closed_zoned": (
        "chưa mở năm {year} nhưng có {pupils} học sinh thuộc vùng tuyển sinh",
        "not open in {year} but {pupils} pupils are zoned to it",
    ),
    "said.capacity_closed": ("chưa mở năm {year}", "not open in {year}"),
    "said.capacity_state": (
        "dùng {utilization} phòng học năm {year}, thiếu {short} phòng",
        "utilization {utilization} in {year}, {short} room(s) short",
    ),
    "said.capacity_first_short": (", thiếu phòng từ năm {year}", ", short of rooms from {year}"),
    "said.capacity_zones_note": (
        "(theo vùng tuyển sinh hiện hành {zones}; `tuyensinh plan` tính với vùng tuyển sinh đề xuất)",
        "(with the current zones {zones}; `tuyensinh plan` counts with the proposed zones)",
    ),
    "said.capacity_horizon": (
        "--horizon {horizon} phải sau năm gốc {base} (ward.toml)",
        "--horizon {horizon} must be after the base year {base} (ward.toml)",
    ),
    "said.capacity_no_zones": (
        "không thấy {path}: cần vùng tuyển sinh hiện hành (quarter_id, level, school_id[, share]) để tính "
        "phòng học; thêm zones.csv vào thư mục phường/xã hoặc ghi --zones TỆP",
        "{path} not found: the capacity analysis needs the current zones (quarter_id, level, school_id[, share]); "
        "add zones.csv to the ward folder or give --zones FILE",
    ),
    "said.capacity_missing_file": ("{what}: không thấy tệp {path}", "{what}: file {path} not found"),
    "said.capacity_not_utf8": (
        "{path}: không phải văn bản UTF-8 ({reason}); trong Excel hãy chọn 'Save as → CSV UTF-8'",
        "{path}: not UTF-8 text ({reason}); in Excel use 'Save as → CSV UTF-8'",
    ),
    # what `compare` prints
    "said.compare_written": ("{files} → {out}", "{files} → {out}"),
    "said.compare_versus": ("Kịch bản: {name}", "Scenario: {name}"),
    "said.compare_brackets": (
        "Mỗi kịch bản: trong ngoặc là chênh lệch so với phương án gốc (không ghi khi bằng nhau).",
        "Each scenario: in brackets, the difference from the baseline (none when equal).",
    ),
    "said.compare_sheet": ("So sánh kịch bản", "Scenarios"),
    "said.compare_title": ("So sánh các kịch bản – {place}", "Scenarios compared – {place}"),
    "said.compare_note": (
        "Số lớp và phòng học còn thiếu khi phân vùng lại từng năm học; học sinh × km: tổng quãng đường đi học.",
        "Classes and rooms short with every school year re-zoned; pupil-km: the total home–school distance.",
    ),
    # the progress bars
    "said.bar_left": ("còn", "left"),
    "said.bar_at_most": ("tối đa", "at most"),
    "said.bar_steps": ("bước", "steps"),
    "said.bar_seconds": ("giây", "s"),
}

assert not set(_HELP) & set(_SAY)
CLI = Catalog(__name__, {**_HELP, **_SAY})

#: Placeholders of the usage lines and of argparse's errors, by language.
METAVARS: dict[str, tuple[str, str]] = {
    "COMMAND": ("LỆNH", "COMMAND"),
    "WARD_DIR": ("THƯ_MỤC_PHƯỜNG", "WARD_DIR"),
    "PROVINCE_DIR": ("THƯ_MỤC_TỈNH", "PROVINCE_DIR"),
    "OUT_DIR": ("THƯ_MỤC_KẾT_QUẢ", "OUT_DIR"),
    "DIR": ("THƯ_MỤC", "DIR"),
    "FILE": ("TỆP", "FILE"),
    "CODE|FILE": ("MÃ|TỆP", "CODE|FILE"),
    "Y": ("NĂM", "Y"),
    "YEAR": ("NĂM", "YEAR"),
    "S": ("GIÂY", "S"),
    "M": ("MÉT", "M"),
    "H": ("SỐ_NĂM", "H"),
    "ADDRESS": ("ĐỊA_CHỈ", "ADDRESS"),
    "LEVEL": ("CẤP_HỌC", "LEVEL"),
}

#: argparse's own messages (Python 3.11–3.13 msgids) → Vietnamese; English is the msgid itself.
#: The programming errors argparse raises while a parser is built are not translated.
ARGPARSE: dict[str, str] = {
    "usage: ": "cách dùng: ",
    "positional arguments": "tham số bắt buộc",
    "options": "tùy chọn",
    "show this help message and exit": "in hướng dẫn này rồi thoát",
    "%(prog)s: error: %(message)s\n": "%(prog)s: lỗi: %(message)s\n",
    "argument %(argument_name)s: %(message)s": "tham số %(argument_name)s: %(message)s",
    "unrecognized arguments: %s": "không hiểu tham số: %s",
    "the following arguments are required: %s": "thiếu tham số bắt buộc: %s",
    "one of the arguments %s is required": "cần một trong các tham số %s",
    "invalid choice: %(value)r (choose from %(choices)s)": "%(value)r không phải là lựa chọn hợp lệ (chọn một trong: %(choices)s)",
    "expected one argument": "cần ghi một giá trị sau tùy chọn này",
    "expected at most one argument": "chỉ được ghi tối đa một giá trị",
    "expected at least one argument": "cần ghi ít nhất một giá trị",
    "expected %s argument": "cần ghi %s giá trị",
    "expected %s arguments": "cần ghi %s giá trị",
    "invalid %(type)s value: %(value)r": "%(value)r không phải là một số hợp lệ",
    "ambiguous option: %(option)s could match %(matches)s": "tùy chọn %(option)s không rõ: có thể là %(matches)s",
    "can't open '%(filename)s': %(error)s": "không mở được '%(filename)s': %(error)s",
    "unknown parser %(parser_name)r (choices: %(choices)s)": "không có lệnh %(parser_name)r (các lệnh: %(choices)s)",
    "not allowed with argument %s": "không dùng được cùng với tham số %s",
    "ignored explicit argument %r": "tùy chọn này không nhận giá trị %r",
    "unexpected option string: %s": "tùy chọn không đúng chỗ: %s",
}


def say(key: str, /, lang: str = "vi", **fields: object) -> str:
    """The entry `key` of `CLI` in `lang`, with its ``{fields}`` filled in."""
    return CLI.say(key, lang, **fields)
