"""What the planner reads about Excel workbooks, the survey layout and numbers typed by hand."""

from __future__ import annotations

from tuyensinh.words.core import Catalog, Text

__all__ = ["WORKBOOK", "text"]

WORKBOOK = Catalog(
    __name__,
    {
        # where a problem is, in a workbook
        "where.cell": ("trang tính '{sheet}', ô {cell}", "sheet '{sheet}', cell {cell}"),
        "where.row": ("trang tính '{sheet}', dòng {row}", "sheet '{sheet}', row {row}"),
        "where.sheet": ("trang tính '{sheet}'", "sheet '{sheet}'"),
        # reading a workbook
        "xlsx.unreadable": ("không mở được tệp Excel ({reason})", "the Excel file cannot be opened ({reason})"),
        "fix.xlsx.unreadable": (
            "mở tệp bằng Excel và lưu lại dạng 'Excel Workbook (*.xlsx)'",
            "open it in Excel and save it again as 'Excel Workbook (*.xlsx)'",
        ),
        "xlsx.old_format": ("tệp Excel cũ (.xls) không đọc được", "old Excel files (.xls) cannot be read"),
        "fix.xlsx.old_format": (
            "mở tệp bằng Excel, chọn Lưu thành 'Excel Workbook (*.xlsx)'",
            "open it in Excel and use Save As 'Excel Workbook (*.xlsx)'",
        ),
        "xlsx.both": ("có cả {csv} và {xlsx} cho cùng một bảng", "both {csv} and {xlsx} hold the same table"),
        "fix.xlsx.both": ("giữ một tệp, xóa hoặc đổi tên tệp còn lại", "keep one of them; delete or rename the other"),
        "xlsx.no_sheet": (
            "không có trang tính nào chứa bảng {table} (cần các cột {columns})",
            "no sheet holds the {table} table (it needs the columns {columns})",
        ),
        "fix.xlsx.no_sheet": (
            "đặt tên trang tính là '{sheet}' và ghi tên cột ở dòng tiêu đề",
            "name the sheet '{sheet}' and put the column names in its header row",
        ),
        "xlsx.no_header": (
            "không tìm thấy dòng tiêu đề (cần các cột {columns}) trong {rows} dòng đầu",
            "no header row (with the columns {columns}) in the first {rows} rows",
        ),
        "fix.xlsx.no_header": (
            "ghi tên các cột ở một dòng phía trên số liệu",
            "put the column names in one row above the data",
        ),
        "xlsx.formula_no_value": (
            "ô có công thức '{formula}' nhưng chưa có giá trị đã tính",
            "the cell holds the formula '{formula}' but no computed value",
        ),
        "fix.xlsx.formula_no_value": (
            "mở tệp bằng Excel, để Excel tính rồi lưu lại (hoặc dán giá trị thay cho công thức)",
            "open the file in Excel, let it calculate and save it (or paste values instead of the formula)",
        ),
        "xlsx.error_value": ("ô có lỗi Excel {value}", "the cell holds the Excel error {value}"),
        "fix.xlsx.error_value": ("sửa công thức hoặc ghi giá trị đúng", "fix the formula or type the right value"),
        "xlsx.merged_header": (
            "ô tiêu đề được gộp qua các cột {cells}",
            "a header cell is merged across the columns {cells}",
        ),
        "fix.xlsx.merged_header": (
            "bỏ gộp ô (Unmerge) và ghi một tên cột cho mỗi cột",
            "unmerge the cells and give every column its own name",
        ),
        "xlsx.merged_data": (
            "ô số liệu được gộp ({cells}): chỉ ô đầu có giá trị",
            "data cells are merged ({cells}): only the first holds a value",
        ),
        "fix.xlsx.merged_data": ("bỏ gộp ô và ghi giá trị vào từng ô", "unmerge them and type the value in every cell"),
        # the survey layout (children by year of birth)
        "survey.no_year": (
            "không biết số liệu của trang tính này là năm nào",
            "the year of this sheet's figures is unknown",
        ),
        "fix.survey.no_year": (
            "ghi năm vào tên trang tính (ví dụ 'Dân số 2025') hoặc thêm cột 'year'",
            "put the year in the sheet's name (e.g. 'Dân số 2025') or add a 'year' column",
        ),
        "survey.birth_year_future": (
            "năm sinh {birth} sau năm điều tra {year}",
            "year of birth {birth} is after the survey year {year}",
        ),
        "survey.birth_year_old": (
            "năm sinh {birth} quá xa năm điều tra {year} (trên {limit} tuổi)",
            "year of birth {birth} is too far before the survey year {year} (over {limit} years old)",
        ),
        "fix.survey.birth_year": (
            "kiểm tra năm sinh ở dòng tiêu đề và năm của trang tính",
            "check the year of birth in the header and the year of the sheet",
        ),
        "survey.birth_year_twice": (
            "năm sinh {birth} có hai cột ({cells})",
            "year of birth {birth} has two columns ({cells})",
        ),
        "fix.survey.birth_year_twice": ("giữ một cột cho mỗi năm sinh", "keep one column per year of birth"),
        "survey.blank_counts": ("{n} ô số trẻ còn trống: {cells}", "{n} cells of children are empty: {cells}"),
        "fix.survey.blank_counts": (
            "ghi số trẻ vào từng ô (ghi 0 nếu không có trẻ nào)",
            "write the number of children in every cell (0 if there are none)",
        ),
        "survey.year_twice": (
            "năm {year} có ở hai trang tính ('{first}' và '{second}')",
            "the year {year} is in two sheets ('{first}' and '{second}')",
        ),
        "fix.survey.year_twice": ("giữ một trang tính cho mỗi năm", "keep one sheet per year"),
        # numbers typed by hand
        "num.ambiguous": (
            "'{value}' có thể là {thousands} (dấu '{sep}' ngăn cách hàng nghìn) hoặc {decimal}",
            "'{value}' could be {thousands} ('{sep}' separating thousands) or {decimal}",
        ),
        "fix.num.ambiguous": (
            "ghi {thousands} hoặc {decimal_dot} (không dùng dấu ngăn cách hàng nghìn; phần thập phân ghi bằng dấu chấm)",
            "write {thousands} or {decimal_dot} (no thousands separators; a dot for decimals)",
        ),
        "num.open_group": (
            "'{value}' là nhóm tuổi mở, không phải một độ tuổi",
            "'{value}' is an open age group, not a single value",
        ),
        "fix.num.open_group": (
            "ghi từng giá trị trên một dòng riêng (mỗi độ tuổi 0, 1, 2, … một dòng); không dùng nhóm '{value}'",
            "write one value per row (one row per single age 0, 1, 2, …); do not use the group '{value}'",
        ),
        "num.range": ("'{value}' là một khoảng, không phải một số", "'{value}' is a range, not a number"),
        "fix.num.range": (
            "ghi mỗi giá trị trên một dòng riêng (ví dụ mỗi độ tuổi {low}, …, {high} một dòng)",
            "write one value per row (e.g. one row per age {low}, …, {high})",
        ),
        "num.with_words": ("'{value}' có chữ kèm theo số", "'{value}' has words with the number"),
        "fix.num.with_words": ("chỉ ghi số: {number}", "write only the number: {number}"),
        "num.decimal_comma": (
            "'{value}' dùng dấu phẩy cho phần thập phân trong tệp phân cách bằng dấu phẩy",
            "'{value}' uses a decimal comma in a comma-separated file",
        ),
        "fix.num.decimal_comma": (
            "ghi {decimal_dot} (dấu chấm cho phần thập phân)",
            "write {decimal_dot} (a dot for decimals)",
        ),
    },
)


def text(key: str, /, **fields: object) -> Text:
    """The catalog entry `key` in both languages with `fields`."""
    return WORKBOOK.text(key, **fields)
