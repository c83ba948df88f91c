"""Write the planners' notebooks (01_du_bao, 02_phan_tuyen, 03_phong_hoc), executed, with nbformat.

The notebooks are generated from this file so they stay reviewable as code. Their narration is
Vietnamese, for a ward planner; the code comments stay short English. Each notebook is written
EXECUTED on the sample ward Phước Bình — tables and charts (PNG) are stored in the file, so a
planner opening it on GitHub or in JupyterLab sees the results before running anything.

Rebuild after changing a cell here, or when the plan's figures change (one command, ~2 minutes):

    make notebooks-build                               # = .venv/bin/python notebooks/build_notebooks.py
    .venv/bin/python notebooks/build_notebooks.py 02_phan_tuyen   # one notebook only

The files are deterministic: fixed cell ids, no execution timestamps, a fixed language_info, no
machine paths in the outputs, so rebuilding unchanged code gives the same bytes.
tests/notebooks/test_notebooks_committed.py checks that the committed files match this builder
(modulo outputs), carry outputs for every code cell, stay small and are narrated in Vietnamese;
`make test` also executes them (`pytest --nbmake notebooks`). `make notebook` opens them in
JupyterLab (the `notebook` extra of pyproject.toml).
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Callable
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

HERE = Path(__file__).resolve().parent
REPO = HERE.parent

KERNELSPEC = {"name": "python3", "display_name": "Python 3", "language": "python"}
LANGUAGE_INFO = {"name": "python"}

FIND_REPO = """\
from pathlib import Path

# The notebook may run from notebooks/ (Jupyter, nbmake) or from the repository root.
REPO = next(p for p in [Path.cwd(), *Path.cwd().parents] if (p / "pyproject.toml").exists())
WARD_DIR = REPO / "data" / "wards" / "phuoc_binh"  # ← change to your own ward folder
print("Thư mục dữ liệu:", WARD_DIR.name, "(có)" if WARD_DIR.is_dir() else "(KHÔNG TÌM THẤY: sửa WARD_DIR)")
"""

YOUR_WARD = """
**Dùng cho phường/xã của bạn:** trong ô mã đầu tiên, đổi `WARD_DIR` thành đường dẫn tới thư mục
dữ liệu của phường/xã mình, ví dụ `WARD_DIR = Path(r"D:\\tuyensinh\\phuong_tan_mai")` trên
Windows, hoặc `REPO / "data" / "wards" / "thien_hoa"` cho xã mẫu thứ hai; rồi chọn
*Run → Run All Cells*. Cách chuẩn bị thư mục: `docs/data-format.md`.
"""


def md(text: str) -> nbformat.NotebookNode:
    return new_markdown_cell(text.strip("\n"))


def code(text: str) -> nbformat.NotebookNode:
    return new_code_cell(text.strip("\n"))


def forecast_notebook() -> nbformat.NotebookNode:
    return new_notebook(
        cells=[
            md(
                """
# 1. Dự báo dân số — cập nhật dự báo tháng 12

Mỗi tháng 12, phòng Văn hóa – Xã hội của phường/xã cập nhật **dự báo số trẻ theo từng độ tuổi ở
từng khu phố / thôn**. Đây là căn cứ để giao chỉ tiêu tuyển sinh năm học tới và để lập kế hoạch
phòng học đến năm 2030.

Sổ tay này chạy trên phường mẫu **Phường Phước Bình** (dân số giả lập trên ranh giới thật). Kết
quả đã được tính sẵn và hiện ngay dưới mỗi ô mã, nên có thể đọc mà không cần chạy lại.
"""
                + YOUR_WARD
            ),
            code(FIND_REPO),
            md(
                """
## Đọc và kiểm tra thư mục dữ liệu

`load_ward` đọc mọi tệp trong thư mục và kiểm tra chúng. Nếu có sai sót, nó liệt kê **tất cả**
các lỗi cùng lúc (tệp, dòng, cột, cách sửa) thay vì dừng ở lỗi đầu tiên: sửa trong Excel rồi
chạy lại ô này.

**Cách đọc bảng:** mỗi dòng là một năm đã có số liệu dân số, mỗi cột là một nhóm tuổi (0–2: nhà
trẻ, 3–5: mẫu giáo, 6–10: tiểu học, 11–14: THCS, 15–17: THPT); cột cuối là tổng số trẻ 0–17 tuổi.
Đây cũng là bảng mà lệnh `tuyensinh validate` in ra. Số trẻ tăng hay giảm đều qua các năm là dấu
hiệu dữ liệu hợp lý; một năm tăng vọt rồi tụt lại thường là lỗi nhập liệu của năm đó.
"""
            ),
            code(
                """
from tuyensinh.ward import load_ward
from tuyensinh.ward.summary import population_by_band

ward = load_ward(WARD_DIR)
history = ward.population_by_age()
print(
    f"{ward.kind} {ward.name} ({ward.province}): {len(ward.quarters)} khu phố/thôn, "
    f"số liệu dân số {history.year.min()}–{history.year.max()}, năm gốc {ward.base_year}, "
    f"dự báo đến {ward.horizon}"
)
# Children by age band, ages 0–17 only (the same table `tuyensinh validate` prints).
bands = population_by_band(ward)
assert bands["0–17"].equals(history[history.age <= 17].groupby("year")["count"].sum().rename("0–17"))
bands.rename_axis("năm")
"""
            ),
            md(
                """
## Dự báo

Mỗi năm, trẻ của từng khu phố được "lên một tuổi" theo **tỷ số thay đổi theo đoàn hệ**: năm
trước khu phố có 100 trẻ 4 tuổi thì năm nay có bao nhiêu trẻ 5 tuổi (lấy trung bình các năm gần
đây; tỷ số này đã gồm cả người chuyển đi, chuyển đến). Khu phố nhỏ có tỷ số dao động mạnh, nên
tỷ số của mỗi khu phố được kéo về tỷ số chung của cả phường, càng dao động thì kéo càng nhiều.
Trẻ sinh mới tính theo xu hướng số sinh; các dự án nhà ở (`housing.csv`) cộng thêm trẻ theo độ
tuổi. Mỗi con số đều có **khoảng 80% và khoảng 95%**.

**Cách đọc bảng:** số trẻ của cả phường ở ba độ tuổi vào lớp đầu cấp (3 tuổi vào mẫu giáo, 6
tuổi vào lớp 1, 11 tuổi vào lớp 6) theo từng năm. Cột "dự báo" là số kỳ vọng; "thấp" và "cao"
là hai đầu của khoảng 80%: cứ 10 năm thì khoảng 8 năm số thực tế nằm giữa hai số này.
"""
            ),
            code(
                """
import forecast

result = forecast.project_all(
    ward.population, ward.births, ward.housing, base_year=ward.base_year, horizon=ward.horizon
)
entry_ages = {3: "mẫu giáo 3 tuổi", 6: "lớp 1", 11: "lớp 6"}
entry = result.ward[result.ward.age.isin(entry_ages)]
table = entry.assign(group=entry.age.map(entry_ages)).pivot_table(
    index="year", columns="group", values=["lo80", "mean", "hi80"]
)
words = {"lo80": "thấp (80%)", "mean": "dự báo", "hi80": "cao (80%)"}
table = table[list(words)].rename(columns=words, level=0).round(0).astype(int)
table.rename_axis(index="năm", columns=["", "độ tuổi vào"])
"""
            ),
            md(
                """
### Biểu đồ hình quạt

Đường đậm là số trẻ kỳ vọng; dải màu đậm chứa số thực tế 8 lần trong 10, dải nhạt 19 lần trong
20. Phần bên trái năm gốc là số liệu đã có. Càng xa năm gốc, dải càng rộng: đó là sự trung thực
của dự báo (tương lai xa khó đoán hơn), không phải lỗi. Khi lập kế hoạch phòng học, hãy nhìn cả
mép trên của dải chứ không chỉ đường giữa.
"""
            ),
            code(
                """
%matplotlib inline
fig = forecast.ward_fan_chart(result.ward, history=history, name=f"{ward.kind.capitalize()} {ward.name}")
fig
"""
            ),
            md(
                """
Biểu đồ tiếp theo là **khu phố có số trẻ 3–14 tuổi tăng nhiều nhất** đến năm cuối của dự báo:
nơi nhiều khả năng sẽ cần thêm phòng học. Muốn xem khu phố khác, thay `fastest` bằng mã của
khu phố đó, ví dụ `fastest = "KP05"` (mã lấy từ cột `quarter_id` của bản đồ khu phố).
"""
            ),
            code(
                """
school_age = result.quarters[result.quarters.age.between(3, 14)]
growth = school_age.groupby(["quarter_id", "year"])["mean"].sum().unstack()
fastest = (growth[ward.horizon] - growth[ward.base_year + 1]).idxmax()
names = dict(zip(ward.quarters.quarter_id, ward.quarters.name, strict=True))
forecast.fan_chart(result.quarters, fastest, history=history, name=names[fastest])
"""
            ),
            md(
                """
## Phương pháp này đã dự báo đúng đến đâu? (kiểm định trên số liệu các năm trước)

Ta giả như đang ở tháng 12 của một năm đã qua, lập dự báo, rồi so với số liệu thật của các năm
sau đó — cho mọi năm có thể. Phương pháp được so với những cách đơn giản hơn, tính trong cùng
lần chạy: *giữ nguyên* (năm sau bằng năm nay), *chỉ lên tuổi* (mỗi trẻ thêm một tuổi, không tính
chuyển đi, chuyển đến) và hai cách Hamilton–Perry (HP) quen dùng. **MAPE có trọng số** là sai số
trung bình tính bằng phần trăm, khu phố đông trẻ được tính nặng hơn.

**Cách đọc bảng:** mỗi dòng là số năm dự báo trước (1 = dự báo cho năm sau), mỗi cột là một
phương pháp; số càng nhỏ càng tốt. Cột "Phương pháp này" nên có sai số nhỏ nhất hoặc gần nhỏ
nhất. Nếu ở phường/xã của bạn một cách đơn giản lại tốt hơn rõ rệt, hãy xem lại dữ liệu (ví dụ
một năm bị đếm thiếu) trước khi dùng dự báo.
"""
            ),
            code(
                """
from forecast.backtest import method_name

bt = forecast.backtest(ward.population, ward.births, ward.housing)
by_horizon = bt.summary[bt.summary.breakdown == "horizon"]


def by_method(value: str):
    table = by_horizon.pivot_table(index="group", columns="method", values=value)
    table = table[[method for method in forecast.METHODS if method in table.columns]]
    return table.rename(columns=method_name).rename_axis(index="số năm dự báo trước", columns="")


by_method("wmape").round(1)
"""
            ),
            md(
                """
**Khoảng 80% có đáng tin không?** Bảng dưới cho biết bao nhiêu phần trăm số thực tế đã nằm trong
khoảng 80% của từng phương pháp. Con số nên gần 80: thấp hơn nhiều nghĩa là khoảng quá hẹp (dự
báo tự tin quá mức), cao hơn nhiều nghĩa là khoảng rộng hơn cần thiết.
"""
            ),
            code(
                """
by_method("cover80").round(0)
"""
            ),
            md(
                """
**Tiếp theo:** `02_phan_tuyen.ipynb` dùng dự báo này để phân tuyến tuyển sinh. Cả quy trình
tháng 12 (dự báo → phân tuyến → phòng học → chỉ tiêu, bản đồ và báo cáo) là một lệnh:

```
tuyensinh plan data/wards/phuoc_binh --out out/phuoc_binh
```
"""
            ),
        ]
    )


def zoning_notebook() -> nbformat.NotebookNode:
    return new_notebook(
        cells=[
            md(
                """
# 2. Phân tuyến tuyển sinh — phân tuyến cho năm học tới

Mỗi khu phố / thôn được giao cho một trường ở mỗi cấp học (mầm non, tiểu học, THCS) sao cho trẻ
đi học càng gần càng tốt **mà không trường nào phải nhận nhiều học sinh hơn số phòng học cho
phép** với sĩ số theo quy định (tiểu học tối đa 35 em/lớp, THCS 45 em/lớp, mầm non 25–35 trẻ
mỗi nhóm, lớp). Bài toán được giải chính xác bằng phần mềm tối ưu HiGHS; trạng thái lời giải và
sai số được báo đúng như kết quả.

Khoảng cách lấy từ `distances.csv` nếu thư mục có tệp này; nếu không, lấy đường chim bay nhân
với hệ số đường vòng.
"""
                + YOUR_WARD
            ),
            code(FIND_REPO),
            md(
                """
## Nhu cầu tuyển sinh năm học tới

Từ dự báo dân số, số trẻ đi học ở mỗi cấp được tính theo tỷ lệ huy động và tỷ lệ học ngoài công
lập của phường (`ward.toml`). Bảng dưới là tổng số học sinh dự kiến của năm học tới ở từng cấp:
đối chiếu nhanh với số học sinh năm nay để phát hiện sai lệch lớn.
"""
            ),
            code(
                """
import capacity
import forecast
from tuyensinh.plan import ward_distances
from tuyensinh.ward import load_ward
from tuyensinh.words.labels import LEVEL_ORDER, level_name, school_year_label
from zoning.assign import assign

ward = load_ward(WARD_DIR)
coming = ward.base_year + 1  # the school year 2027 means 2027–2028
norms = capacity.load_norms(ward.norms, ward.rates)
projected = forecast.project(
    ward.population, ward.births, ward.housing, base_year=ward.base_year, horizon=ward.horizon
)
demand = capacity.enrollment_demand(projected, norms)
distances = ward_distances(ward)  # distances.csv where given, else straight line × detour
pupils = demand[demand.school_year == coming].groupby("level")["mean"].sum().reindex(LEVEL_ORDER)
pupils.round(0).astype(int).rename(index=level_name).rename_axis("cấp học").to_frame(
    f"học sinh năm học {school_year_label(coming)}"
)
"""
            ),
            md(
                """
## Phân tuyến các trường tiểu học

Tham số `stability` (trọng số ổn định, tính bằng mét) cho biết ta coi trọng việc giữ học sinh ở
trường hiện tại đến đâu: với 300, mỗi học sinh phải chuyển khỏi trường hiện tại được tính nặng
như 300 m đường đi thêm. Với 0, mô hình chỉ tìm tổng quãng đường đi học ngắn nhất.

**Cách đọc bảng:** mỗi dòng là một trường; "phòng cần" là số phòng học để xếp đủ số lớp (một
phòng một lớp khi học hai buổi/ngày), "phòng có" là số phòng hiện có. Tỷ lệ phòng cần / phòng có
trên 100% nghĩa là thiếu phòng; "học sinh vượt" là số em không xếp được vào trường nào trong
phạm vi quy định — nếu khác 0, cần xem lại sĩ số hoặc mở thêm điểm trường.
"""
            ),
            code(
                """
current = ward.zones[ward.zones.level == "tieu_hoc"]
result = assign(
    demand, ward.schools, distances, level="tieu_hoc", school_years=coming,
    norms=norms, current=current, stability=300, setting=ward.setting,
)
status = {"optimal": "tối ưu"}.get(result.solver.status, result.solver.status)
print(f"Lời giải: {status}, sai số so với tối ưu {result.solver.gap:.2%}")
load = result.load
table = load[["name", "pupils", "classes", "rooms_needed", "rooms_available", "overflow_pupils"]].assign(
    pupils=load.pupils.round(0).astype(int), used=(100 * load.rooms_needed / load.rooms_available).round(0)
)
table.round(1).rename(
    columns={
        "name": "trường",
        "pupils": "học sinh",
        "classes": "số lớp",
        "rooms_needed": "phòng cần",
        "rooms_available": "phòng có",
        "overflow_pupils": "học sinh vượt",
        "used": "phòng cần / phòng có (%)",
    }
)
"""
            ),
            md(
                """
**Các khu phố phải đổi trường** so với tuyến hiện nay (`zones.csv`), thường vì trường cũ không
còn đủ phòng. Đây là danh sách cần thông báo sớm cho phụ huynh; bảng trống nghĩa là không khu phố
nào phải đổi.
"""
            ),
            code(
                """
import pandas as pd

names = dict(zip(ward.quarters.quarter_id, ward.quarters.name, strict=True))
school_names = dict(zip(ward.schools.school_id, ward.schools.name, strict=True))
before = current.sort_values("share").groupby("quarter_id").school_id.last()  # main school today
zones = result.zones(coming)
moved = zones[zones.changed.fillna(False).astype(bool)]
pd.DataFrame(
    {
        "khu phố": moved.quarter_id.map(names),
        "trường hiện nay": moved.quarter_id.map(before).map(school_names),
        "trường mới": moved.school_id.map(school_names),
        "học sinh": moved.pupils.round(0).astype(int),
        "quãng đường (m)": moved.distance_m.round(0).astype(int),
    }
)
"""
            ),
            md(
                """
## Đánh đổi giữa ổn định và quãng đường

Trọng số ổn định càng lớn thì càng ít gia đình phải đổi trường, nhưng tổng quãng đường đi học
càng dài. Lựa chọn là của người lập kế hoạch; các con số giúp lựa chọn đó rõ ràng.

Ở phường mẫu này, tuyến hiện nay đã cho mọi khu phố học ở trường gần: chỉ những khu phố buộc phải
chuyển vì thiếu phòng mới chuyển, nên trọng số không làm thay đổi gì (bảng thứ nhất). Sự đánh đổi
xuất hiện khi tuyến hiện nay là một cách chia cũ không còn hợp với nơi trẻ đang sống. Bảng thứ hai
giả định một cách chia như vậy — mỗi khu phố được xếp vào trường tiểu học gần *thứ hai*, chỉ để
minh họa, không phải tuyến thật của phường — và cho thấy trọng số đổi số khu phố phải chuyển lấy
quãng đường như thế nào.

**Cách đọc bảng:** mỗi dòng là một trọng số ổn định; so cột "số khu phố đổi trường" với cột
"quãng đường trung bình (m)" để chọn mức phù hợp với phường/xã mình.
"""
            ),
            code(
                """
def trade_off(current_zones: pd.DataFrame, weights=(0, 300, 1000, 3000)) -> pd.DataFrame:
    rows = []
    for weight in weights:
        r = assign(
            demand, ward.schools, distances, level="tieu_hoc", school_years=coming,
            norms=norms, current=current_zones, stability=weight, setting=ward.setting,
        )
        z = r.zones(coming)
        rows.append(
            {
                "trọng số ổn định (m)": weight,
                "số khu phố đổi trường": int(z.changed.fillna(False).astype(bool).sum()),
                "quãng đường trung bình (m)": round(r.pupil_metres / z.pupils.sum()),
                "học sinh vượt công suất": round(r.load.overflow_pupils.sum(), 1),
            }
        )
    return pd.DataFrame(rows)


trade_off(current)
"""
            ),
            code(
                """
primary = ward.schools.loc[ward.schools.level == "tieu_hoc", "school_id"]
ranked = distances[distances.school_id.isin(primary)].sort_values(["quarter_id", "metres"])
older = ranked.groupby("quarter_id").nth(1)[["quarter_id", "school_id"]].assign(level="tieu_hoc", share=1.0)
table = trade_off(older)
# the check a test makes: with an older layout the weight must change the answer
assert table["số khu phố đổi trường"].nunique() > 1 and table["quãng đường trung bình (m)"].is_monotonic_increasing
table
"""
            ),
            md(
                """
## Bản đồ phân tuyến

Bản đồ để công bố (PNG 300 dpi và PDF, có chú giải, thước tỷ lệ và mũi tên chỉ hướng bắc) do
lệnh `tuyensinh plan` ghi vào thư mục `maps/`, mỗi cấp học một bản. Dưới đây là bản đồ tiểu học
của cách phân tuyến ở trên: mỗi màu là vùng tuyển của một trường; chú giải bên phải cho biết ký
hiệu vị trí trường, khu phố đổi trường so với hiện nay, và số học sinh, số lớp của từng trường.
Ghi chú dưới bản đồ nói số liệu của năm học nào và khoảng cách tính thế nào. Đổi `lang="vi"` thành `lang="en"` nếu cần nhãn tiếng Anh.
"""
            ),
            code(
                """
%matplotlib inline
from zoning.maps import plot_zones

plot_zones(
    result, ward.quarters, ward.schools, lang="vi", crs=ward.crs, place=f"{ward.kind.capitalize()} {ward.name}"
)
"""
            ),
            md(
                """
**Tiếp theo:** `03_phong_hoc.ipynb` — phòng học đến năm 2030, chỉ tiêu tuyển sinh và các phương
án "nếu … thì …".
"""
            ),
        ]
    )


def capacity_notebook() -> nbformat.NotebookNode:
    return new_notebook(
        cells=[
            md(
                """
# 3. Phòng học và chỉ tiêu — phòng học đến năm 2030, chỉ tiêu tuyển sinh và các phương án

Khi đã có tuyến của năm học tới, số học sinh của từng trường được biết cho từng năm đến năm cuối
của dự báo. Sĩ số theo quy định đổi số học sinh thành số lớp, số lớp thành số phòng (một phòng
một lớp khi học hai buổi/ngày, nửa phòng khi học một buổi), rồi so số phòng cần với số phòng có —
từng năm, kèm khả năng nhu cầu vượt số phòng.
"""
                + YOUR_WARD
            ),
            code(FIND_REPO),
            md(
                """
## Tổng hợp theo cấp học và năm học

`compute_plan` chạy cả chuỗi tính toán của lệnh `tuyensinh plan` (dự báo → nhu cầu → phân tuyến
→ phòng học → chỉ tiêu) nhưng không ghi tệp; mất khoảng nửa phút.

**Cách đọc bảng:** mỗi dòng là một cấp học trong một năm học, tính với tuyến đề xuất của năm học
tới. "Phòng thiếu" là tổng số phòng các trường còn thiếu (một trường thừa phòng không bù được cho
trường khác); "khu phố tăng nhiều nhất" là những khu phố góp thêm nhiều học sinh nhất kể từ năm
gốc ở các trường thiếu phòng — nơi nên tìm đất cho phòng học mới.
"""
            ),
            code(
                """
from tuyensinh.plan import PlanSettings, compute_plan
from tuyensinh.ward import load_ward
from tuyensinh.words.labels import LEVEL_ORDER, level_name, school_year_label


def level_words(level: str) -> str:
    return "cả phường/xã" if level == "all" else level_name(level)


ward = load_ward(WARD_DIR)
plan = compute_plan(ward, PlanSettings())  # forecast → demand → zoning → capacity → quotas
summary = plan.summary.assign(
    level=plan.summary.level.map(level_words),
    school_year=plan.summary.school_year.map(school_year_label),
    pupils_mean=plan.summary.pupils_mean.round(0).astype(int),
)
summary[
    ["level", "school_year", "pupils_mean", "classes", "rooms_needed", "rooms_available", "rooms_short",
     "schools_short", "top_quarters"]
].rename(
    columns={
        "level": "cấp học",
        "school_year": "năm học",
        "pupils_mean": "học sinh (dự báo)",
        "classes": "số lớp",
        "rooms_needed": "phòng cần",
        "rooms_available": "phòng có",
        "rooms_short": "phòng thiếu",
        "schools_short": "trường thiếu (số phòng)",
        "top_quarters": "khu phố tăng nhiều nhất",
    }
)
"""
            ),
            md(
                """
## Thiếu phòng ở đâu? (bằng lời)

Những câu dưới đây cũng đứng đầu báo cáo `report.html`: "thiếu phòng" là trường cần nhiều phòng
hơn số phòng có; "sát công suất" là trường chưa thiếu nhưng có khả năng đáng kể sẽ thiếu nếu số
trẻ cao hơn dự báo.
"""
            ),
            code(
                """
from tuyensinh.present.report import flag_sentences, ward_shortfall_sentences
from tuyensinh.words.labels import flag_name

for line in ward_shortfall_sentences(plan.capacity, ward.schools):
    print("•", line)
for kind, line in flag_sentences(plan.capacity, ward.schools, overflow=plan.overflow()):
    print(f"[{flag_name(kind)}]", line)
"""
            ),
            md(
                """
**Cách đọc biểu đồ nhiệt:** mỗi dòng là một trường, mỗi cột một năm học; số trong ô và màu là mức
sử dụng của trường năm đó, theo định nghĩa ghi dưới tiêu đề biểu đồ. Màu cam, đỏ là quá tải; ô
xám là năm trường chưa hoạt động.
Biểu đồ cột sau đó cho số phòng thiếu của từng trường theo năm học, viền mảnh là mức thiếu khi số
trẻ ở mép trên khoảng 80%.
"""
            ),
            code(
                """
%matplotlib inline
from capacity.charts import plot_room_shortfall, plot_utilization

plot_utilization(plan.capacity, ward.schools)
"""
            ),
            code(
                """
plot_room_shortfall(plan.capacity, ward.schools)
"""
            ),
            md(
                """
## Ba cách nhìn tuyến tuyển sinh

* **tuyến đề xuất**: tuyến của năm học tới giữ nguyên đến năm 2030 (điều phường công bố lúc này);
* **tuyến hiện nay**: tuyến đang áp dụng (`zones.csv`) giữ nguyên;
* **phân tuyến lại hằng năm**: mỗi năm phân tuyến lại, ví dụ khi có trường mới mở.

**Cách đọc bảng:** số phòng thiếu của cả cấp học theo từng năm học với mỗi cách. Khi số của
"tuyến hiện nay" lớn hơn "tuyến đề xuất", việc điều chỉnh tuyến đã giảm được số phòng phải xây;
phần còn lại ở cột "phân tuyến lại hằng năm" là số phòng phải xây dù phân tuyến thế nào.
"""
            ),
            code(
                """
import pandas as pd

shortfall = pd.DataFrame(
    {
        "tuyến đề xuất": plan.capacity.groupby(["level", "school_year"]).room_shortfall.sum(),
        "tuyến hiện nay": plan.capacity_current.groupby(["level", "school_year"]).room_shortfall.sum(),
        "phân tuyến lại hằng năm": plan.capacity_yearly.groupby(["level", "school_year"]).room_shortfall.sum(),
    }
)
shortfall.reindex(LEVEL_ORDER, level=0).rename(index=level_name, level=0).rename(index=school_year_label, level=1).rename_axis(
    ["cấp học", "năm học"]
)
"""
            ),
            md(
                """
## Chỉ tiêu tuyển sinh

Chỉ tiêu của từng trường cho các lớp đầu cấp (mọi nhóm, lớp mầm non, lớp 1, lớp 6) của năm học
tới. Bảng tính để in và ký là `quotas.xlsx` do lệnh `tuyensinh plan` ghi ra; ở đây ta ghi nó vào
một thư mục tạm để xem thử. Số 0 nghĩa là trường không có lớp đó.
"""
            ),
            code(
                """
import tempfile

from tuyensinh.present.excel import write_quotas_xlsx
from tuyensinh.words.labels import GRADE_ORDER, grade_name

school_names = dict(zip(ward.schools.school_id, ward.schools.name, strict=True))
coming = plan.quotas[plan.quotas.school_year == plan.school_year]
quotas = coming.pivot_table(index="school_id", columns="grade", values="pupils", aggfunc="sum", fill_value=0)
path = write_quotas_xlsx(
    Path(tempfile.mkdtemp()) / "quotas.xlsx", plan.quotas, ward.schools, ward_name=ward.name,
    ward_kind=ward.kind, base_year=ward.base_year, school_year=plan.school_year,
)
print("Đã ghi:", path.name)
grades = [grade for grade in GRADE_ORDER if grade in quotas.columns]
quotas[grades].rename(index=school_names, columns=grade_name).rename_axis(index="trường", columns="")
"""
            ),
            md(
                """
## Giáo viên, kế hoạch đầu tư và chu kỳ tuyển sinh

`plan.cycle` chứa phần còn lại của kế hoạch (bảng tính `capacity_plan.xlsx`, tiếng Việt, mỗi nội
dung một trang): số giáo viên cần theo định mức so với cột `teachers` của `schools.csv`; số phòng
cần xây và kinh phí theo năm đến 2030 (đơn giá là **GIẢ ĐỊNH** cho đến khi ghi đơn giá của tỉnh
vào mục `[norms.classroom_cost]` của `ward.toml`); cơ sở vật chất so với chuẩn; và — khi có
`enrolment.csv` — báo cáo tuyển sinh ngày 15/8 với độ chính xác của dự báo, tỷ lệ ước tính từ số
thực tuyển và các chỉ tiêu phổ cập.

**Cách đọc:** bảng giáo viên cộng theo cấp học và năm học; "thiếu giáo viên" là tổng số giáo viên
các trường còn thiếu (trường thừa không bù cho trường thiếu). Trường để trống cột `teachers` (ở
phường mẫu: THCS Lương Thế Vinh) không được tính vào hai cột "hiện có" và "thiếu". Bảng đầu tư cho số phòng và kinh
phí (triệu đồng) theo hạng mục và năm.
"""
            ),
            code(
                """
from tuyensinh.words.cycle import code_name, column_label, needs_sentence

cycle = plan.cycle
teachers = cycle.teachers.groupby(["level", "school_year"])[["teachers_needed", "teachers", "teacher_shortfall"]].sum()
teachers = teachers.reindex(LEVEL_ORDER, level=0).rename(index=level_name, level=0)
display(teachers.rename(index=school_year_label, level=1).rename(columns=column_label).rename_axis(["cấp học", "năm học"]))
building = cycle.building_by_year[cycle.building_by_year.level == "all"].pivot_table(
    index="school_year", columns="item", values=["rooms", "cost_million_vnd"], aggfunc="sum", fill_value=0
).round(0).astype(int)
building.rename(index=school_year_label).rename(columns=column_label, level=0).rename(columns=code_name, level=1).rename_axis(
    index="năm học", columns=["", ""]
)
"""
            ),
            md(
                """
**Dữ liệu nào đang có, dữ liệu nào cần bổ sung:** mỗi dòng là một nội dung của kế hoạch; cột
"Cần bổ sung" nói tệp hoặc cột nào của thư mục dữ liệu nội dung đó cần (với nội dung "chưa" có
dữ liệu, đó là việc cần làm để có nó).
"""
            ),
            code(
                """
coverage = cycle.coverage.assign(
    feature=cycle.coverage.feature.map(code_name),
    enabled=cycle.coverage.enabled.map({True: "có", False: "chưa"}),
    needs=cycle.coverage.needs.map(needs_sentence),
)
with pd.option_context("display.max_colwidth", None):
    display(coverage[["feature", "enabled", "needs"]].rename(columns=column_label))
"""
            ),
            md(
                """
**Báo cáo tuyển sinh 15/8 và phổ cập** (chỉ khi thư mục có `enrolment.csv`; phường mẫu Phước
Bình có tệp này): bảng thứ nhất so chỉ tiêu đã giao và số dự báo với số thực tuyển của năm gốc;
bảng thứ hai là các chỉ tiêu phổ cập của năm gần nhất.
"""
            ),
            code(
                """
if cycle.universal is not None:
    intake = cycle.intake_accuracy
    intake = intake.assign(
        level=intake.level.map(level_words),
        school_year=intake.school_year.map(school_year_label),
        accuracy=(100 * intake.accuracy).round(1),
        meets_target=intake.meets_target.map({True: "đạt", False: "chưa đạt"}),
    )
    columns = ["level", "school_year", "quota", "forecast", "actual", "accuracy", "meets_target"]
    display(intake[columns].rename(columns=column_label).rename(columns={"Độ chính xác": "Độ chính xác (%)"}))
    latest = cycle.universal[cycle.universal.school_year == cycle.universal.school_year.max()]
    latest = latest.assign(
        level=latest.level.map(level_name),
        school_year=latest.school_year.map(school_year_label),
        indicator=latest.indicator.map(code_name),
        value=(100 * latest.value).round(1),
    )
    columns = ["school_year", "level", "indicator", "ages", "numerator", "population", "value"]
    display(latest[columns].rename(columns=column_label).rename(columns={"Tỷ lệ": "Tỷ lệ (%)"}))
"""
            ),
            md(
                """
## Nếu … thì …? So sánh các phương án

Một phương án thay đổi dữ liệu của phường — mở trường mới vào một năm, một dự án nhà ở, hạ sĩ số
tối đa, đóng một trường — rồi tính lại kế hoạch, phân tuyến lại từng năm. Bảng so sánh cho số
lớp, số phòng thiếu và tổng số km đi học của mọi học sinh cộng lại. Các phương án này cũng có
thể viết trong một tệp TOML cho lệnh `tuyensinh compare` (xem `docs/workflow.md`).

**Dùng cho phường/xã của bạn:** đổi mã trường, tọa độ, mã khu phố và số căn hộ trong ô dưới đây
cho đúng với dự định của địa phương.
"""
            ),
            code(
                """
from tuyensinh.scenarios import (
    HousingProject,
    NormOverride,
    OpenSchool,
    Scenario,
    compare_scenarios,
    comparison_wide,
)

# the new school in KP22, a quarter far from every primary school today
site = ward.quarters.set_index("quarter_id").loc["KP22"].geometry.representative_point()
scenarios = [
    Scenario(
        "Mở trường tiểu học mới 2028",
        (
            OpenSchool(
                "TH05", "Trường Tiểu học Phước Bình 2", "tieu_hoc",
                lon=float(site.x), lat=float(site.y), classrooms=20, opens=2028,
            ),
        ),
    ),
    Scenario("Dự án nhà ở KP14 (+400 căn)", (HousingProject("KP14", 2027, 400),)),
    Scenario("Sĩ số THCS tối đa 40", (NormOverride(norms={"max_class_size": {"thcs": 40}}),)),
]
comparison = compare_scenarios(ward, scenarios, PlanSettings(school_year=2028))
comparison_wide(comparison)
"""
            ),
            md(
                """
**Chênh lệch so với hiện trạng:** số dương là nhiều hơn, số âm là ít hơn so với khi phường giữ
nguyên như hiện nay (ví dụ phòng thiếu −2 nghĩa là bớt 2 phòng phải xây; quãng đường −300 nghĩa
là mỗi học sinh đi học gần hơn 300 m tính bình quân). Trường mới ở khu phố 22 rút ngắn đường
đi học của các khu phố phía đông bắc khoảng 300 m mỗi học sinh, nhưng cần thêm 2–3 lớp: học sinh
chia cho nhiều trường hơn nên có lớp không đủ sĩ số tối đa.
"""
            ),
            code(
                """
differences = comparison.differences.pivot_table(
    index=["level", "school_year"],
    columns="scenario",
    values=["rooms_short_diff", "classes_diff", "mean_distance_m_diff"],
).round(1)
differences.reindex(LEVEL_ORDER, level=0).rename(
    columns={
        "rooms_short_diff": "phòng thiếu",
        "classes_diff": "số lớp",
        "mean_distance_m_diff": "quãng đường bình quân (m)",
    },
    level=0,
).rename(
    index=level_name, level=0
).rename(index=school_year_label, level=1).rename_axis(index=["cấp học", "năm học"], columns=["", "phương án"])
"""
            ),
        ]
    )


NOTEBOOKS: dict[str, Callable[[], nbformat.NotebookNode]] = {
    "01_du_bao": forecast_notebook,
    "02_phan_tuyen": zoning_notebook,
    "03_phong_hoc": capacity_notebook,
}


def build(name: str) -> nbformat.NotebookNode:
    """The notebook `name` as code (no outputs), with fixed cell ids and metadata."""
    notebook = NOTEBOOKS[name]()
    for number, cell in enumerate(notebook.cells):
        cell.id = f"{name[:2]}-{number:02d}"  # fixed ids: nbformat's random ones would churn
    notebook.metadata = nbformat.from_dict({"kernelspec": KERNELSPEC, "language_info": LANGUAGE_INFO})
    nbformat.validate(notebook)
    return notebook


def execute(notebook: nbformat.NotebookNode, timeout: int = 1800) -> nbformat.NotebookNode:
    """Run every cell in a fresh kernel started in notebooks/ on this checkout's src/, then drop
    what would change from run to run (timings, the kernel's version details)."""
    from nbclient import NotebookClient  # the test extra's nbmake brings nbclient

    path = os.environ.get("PYTHONPATH", "")
    os.environ["PYTHONPATH"] = os.pathsep.join(p for p in (str(REPO / "src"), path) if p)
    os.environ["PYTHONHASHSEED"] = "0"
    client = NotebookClient(
        notebook,
        timeout=timeout,
        kernel_name="python3",
        record_timing=False,
        resources={"metadata": {"path": str(HERE)}},
    )
    client.execute()
    notebook.metadata = nbformat.from_dict({"kernelspec": KERNELSPEC, "language_info": LANGUAGE_INFO})
    for cell in notebook.cells:
        cell.metadata.pop("execution", None)
    return notebook


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Write the planners' notebooks, executed.")
    parser.add_argument("names", nargs="*", help=f"notebooks to write: {', '.join(NOTEBOOKS)} (default: all)")
    parser.add_argument("--no-execute", action="store_true", help="write the cells without outputs (faster)")
    args = parser.parse_args(argv)
    unknown = sorted(set(args.names) - set(NOTEBOOKS))
    if unknown:
        parser.error(f"unknown notebook {', '.join(unknown)}: choose among {', '.join(NOTEBOOKS)}")
    for name in args.names or NOTEBOOKS:
        notebook = build(name)
        if not args.no_execute:
            execute(notebook)
        nbformat.validate(notebook)
        path = HERE / f"{name}.ipynb"
        nbformat.write(notebook, path)
        print("wrote", path.relative_to(REPO), f"({path.stat().st_size / 1e3:.0f} kB)")


if __name__ == "__main__":
    main()
