"""The report's methods appendix ("Phụ lục: phương pháp") and the plain sentences that replace
method words in the main text, Vietnamese and English.

The main sections of report.html speak to a People's Committee reader: what the numbers mean
("lệch khoảng 5%"). The names of methods and scores (MAPE, Hamilton–Perry, intervals and their
bounds, the optimisation model, its gap and LP bound, pupil-metres) are written only here, in
the appendix at the end of the page, and in the `tuyensinh backtest` printout of the same
scores (`backtest.*` keys).
"""

from __future__ import annotations

from tuyensinh.words.core import Catalog

__all__ = ["METHODS_TEXT", "say", "JARGON"]

#: Words that belong to the appendix, never to the main sections of report.html (a test checks
#: both languages' main text against this list).
JARGON: dict[str, tuple[str, ...]] = {
    "vi": (
        "MAPE",
        "Hamilton",
        "Perry",
        "cận trên",
        "cận dưới",
        "khoảng tin cậy",
        "co rút",
        "hp_shrunk",
        "sai số tối ưu",
        "quy hoạch nguyên",
        "học sinh × mét",
        "LP",
        "MIP",
        "HiGHS",
        "backtest",
    ),
    "en": (
        "MAPE",
        "Hamilton",
        "Perry",
        "interval",
        "bound",
        "shrunk",
        "hp_shrunk",
        "optimality gap",
        "integer programming",
        "pupil-metres",
        "LP",
        "MIP",
        "HiGHS",
        "backtest",
        "solver",
    ),
}

METHODS_TEXT = Catalog(
    __name__,
    {
        # --- the main text, in plain words ------------------------------------------------------
        "plain.small_area": (
            "Ở từng khu phố/thôn, số trẻ 6 tuổi và 11 tuổi (tuổi vào lớp 1 và lớp 6) dự báo "
            "{first} năm trước lệch khoảng {err_first}%, {last} năm trước lệch khoảng {err_last}%; "
            "một cách tính đơn giản hơn lệch {base_first}% và {base_last}%: {verdict}",
            "In each quarter, the number of children aged 6 and 11 (the ages entering grades 1 and "
            "6) forecast {first} year(s) ahead has been off by about {err_first}%, {last} years "
            "ahead by about {err_last}%; a simpler calculation was off by {base_first}% and "
            "{base_last}%: {verdict}",
        ),
        "plain.better_all": (
            "dự báo của kế hoạch sát hơn ở mọi số năm dự báo trước.",
            "this plan's forecast was closer at every number of years ahead.",
        ),
        "plain.better_none": (
            "dự báo của kế hoạch không sát hơn cách tính đơn giản trên số liệu của địa phương này.",
            "this plan's forecast was not closer than the simpler calculation on this ward's data.",
        ),
        "plain.better_some": (
            "dự báo của kế hoạch sát hơn khi dự báo {better} năm trước, nhưng không sát hơn khi "
            "dự báo {worse} năm trước.",
            "this plan's forecast was closer {better} year(s) ahead, but not {worse} year(s) ahead.",
        ),
        "plain.col_simple_pupils": ("Cách đơn giản: số trẻ đúng", "Simple calculation: pupils accuracy"),
        # --- the `tuyensinh backtest` printout --------------------------------------------------
        "backtest.small_area": (
            "=== Như bộ kiểm định trên số liệu thật: MAPE có trọng số (%) của từng khu phố/thôn, "
            "tuổi 6 và 11, theo số năm dự báo trước; cột cuối: phương pháp này / hp_shrunk (nhỏ hơn "
            "1 là sát hơn) ===",
            "=== As the real-data benchmark scores it: weighted MAPE (%) of each quarter at ages 6 "
            "and 11, by years ahead; last column: this method / hp_shrunk (below 1 is closer) ===",
        ),
        # --- the appendix -----------------------------------------------------------------------
        "appendix.heading": ("Phụ lục: phương pháp", "Appendix: methods"),
        "appendix.intro": (
            "Phần này dành cho người cần kiểm tra cách tính; các phần trên đọc được mà không cần phụ lục.",
            "For readers who want to check how the figures were computed; the sections above can be read without it.",
        ),
        "appendix.forecast": ("Dự báo dân số", "Population forecast"),
        "appendix.forecast_text": (
            "Số trẻ từng độ tuổi ở từng khu phố/thôn được dự báo bằng tỷ số nhóm tuổi (phương pháp "
            "Hamilton–Perry): số trẻ tuổi a + 1 năm sau chia cho số trẻ tuổi a năm trước, tính trên "
            "các năm đã có số liệu. Ở khu phố/thôn nhỏ, tỷ số được co rút về mức chung của cả "
            "{kind} để một năm bất thường không kéo lệch dự báo; trẻ 0 tuổi theo xu hướng số sinh; "
            "nhà ở mới (housing.csv) cộng thêm người chuyển đến. Trên biểu đồ, dải đậm là khoảng "
            "tin cậy 80% (giữa cận dưới và cận trên 80%: 8 trong 10 khả năng số thực tế nằm trong "
            "dải), dải nhạt là khoảng 95%; độ rộng các dải được hiệu chỉnh theo sai số của chính dự "
            "báo ở các năm trước.",
            "Children of each single age in each quarter are forecast with cohort ratios (the "
            "Hamilton–Perry method): children aged a + 1 one year divided by children aged a the "
            "year before, over the years with data. In small quarters the ratios are shrunk toward "
            "the common ratio of the whole {kind} so one unusual year does not pull the forecast; "
            "age 0 follows the trend of births; new housing (housing.csv) adds movers. On the "
            "charts the dark band is the 80% prediction interval (between the lower and upper 80% "
            "bounds: 8 chances in 10 that the real count falls inside), the light band the 95% "
            "interval; their widths are calibrated on the forecast's own errors in past years.",
        ),
        "appendix.accuracy": ("Độ tin cậy của dự báo: cách đo", "Forecast accuracy: how it is measured"),
        "appendix.accuracy_text": (
            "Dự báo được chạy lại từ mỗi năm cũ chỉ với số liệu đến năm đó (backtest) rồi so với số "
            "thực tế. Độ chính xác = 100% − MAPE, với MAPE (sai số phần trăm tuyệt đối trung bình) "
            "là trung bình của |dự báo − thực tế| / thực tế. Hai cách tính đơn giản để so sánh: "
            "giữ nguyên số trẻ cùng tuổi của năm lập dự báo, và Hamilton–Perry co rút đơn giản "
            "(hp_shrunk: tỷ số một năm gộp 5 năm gần nhất, co rút về tỷ số chung với trọng số "
            "n / (n + 2000), n là số trẻ của 5 năm đó; trẻ 0 tuổi giữ bằng trung bình 5 năm). Bảng "
            "dưới tính đúng như bộ kiểm định trên số liệu thật của dự án "
            "(benchmarks/forecast_real_bench.py): MAPE có trọng số = Σ|dự báo − thực tế| / Σ thực "
            "tế qua từng khu phố/thôn, tuổi 6 và 11, theo số năm dự báo trước; tỷ số nhỏ hơn 1 "
            "nghĩa là dự báo của kế hoạch sát hơn hp_shrunk.",
            "The forecast was re-run from every past year with only the data up to that year (a "
            "backtest) and compared with what was counted. Accuracy = 100% − MAPE, the mean "
            "absolute percentage error |forecast − actual| / actual. Two simple calculations are "
            "compared: keeping the count of the same age in the forecast year, and the simple "
            "shrunk Hamilton–Perry (hp_shrunk: one-year ratios pooled over the last 5 years, shrunk "
            "toward the common ratio with weight n / (n + 2000), n the children at risk over those "
            "years; age 0 held at its 5-year mean). The table below is scored exactly as the "
            "project's real-data benchmark (benchmarks/forecast_real_bench.py): weighted MAPE = "
            "Σ|forecast − actual| / Σ actual over each quarter at ages 6 and 11, by years ahead; a "
            "ratio below 1 means this plan's forecast was closer than hp_shrunk.",
        ),
        "appendix.small_area_table": (
            "Sai số theo từng khu phố/thôn, tuổi 6 và 11 (MAPE có trọng số, %)",
            "Error per quarter, ages 6 and 11 (weighted MAPE, %)",
        ),
        "appendix.col_ages": ("Độ tuổi", "Ages"),
        "appendix.col_ratio": ("{method} / hp_shrunk", "{method} / hp_shrunk"),
        "appendix.capacity": ("Phòng học và khả năng quá tải", "Classrooms and the chance of overload"),
        "appendix.capacity_text": (
            "Số lớp = số trẻ chia sĩ số tối đa của Điều lệ trường, làm tròn lên; số phòng cần theo số "
            "ca học. “Khả năng quá tải” là xác suất số phòng cần vượt số phòng hiện có, tính từ "
            "khoảng tin cậy của dự báo (các khu phố/thôn của một trường được coi là cùng lệch một "
            "chiều – cách tính thận trọng). Trên biểu đồ số phòng thiếu, vạch đứt là cận trên 80%: "
            "số phòng thiếu nếu số trẻ ở mức cao (chỉ 1 trong 10 khả năng cao hơn).",
            "Classes = pupils divided by the class-size limit of the school charter, rounded up; "
            "rooms follow the sessions per day. The “chance of overload” is the probability that "
            "the rooms needed exceed the rooms available, computed from the forecast's intervals "
            "(the quarters of one school are taken to err in the same direction – the cautious "
            "choice). On the shortfall chart, the dashed bar is the upper 80% bound: the rooms short "
            "if the number of children runs high (only 1 chance in 10 of more).",
        ),
        "appendix.zoning": ("Phân tuyến tuyển sinh: mô hình tối ưu", "Zoning: the optimisation model"),
        "appendix.zoning_text": (
            "Mỗi khu phố/thôn được giao cho một trường bằng mô hình quy hoạch nguyên (MIP) giải bằng "
            "HiGHS: tổng quãng đường đi học (học sinh × mét) nhỏ nhất, cộng {stability} mét cho mỗi "
            "học sinh phải đổi trường so với hiện hành, trong giới hạn phòng học của từng trường"
            "{contiguous}. “Sai số tối ưu” là khoảng cách giữa phương án tìm được và cận dưới của "
            "mọi phương án (cận LP): 0% là tối ưu đã được chứng minh.",
            "Each quarter is assigned to a school by an integer programming model (MIP) solved with "
            "HiGHS: the least total travel (pupil-metres), plus {stability} metres for each pupil "
            "moved away from the current school, within each school's rooms{contiguous}. The solver's "
            "“optimality gap” is how far the plan found may be from the best possible one, "
            "measured against the LP bound: 0% is proven optimal.",
        ),
        "appendix.contiguous": (
            "; vùng tuyển sinh của mỗi trường liền một khối",
            "; each school's zone is one connected piece",
        ),
    },
)


def say(key: str, /, lang: str = "vi", **fields: object) -> str:
    """The entry `key` of the methods catalog in `lang`."""
    return METHODS_TEXT.say(key, lang, **fields)
