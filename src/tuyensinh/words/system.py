"""What the planner reads when the computer, not the data, stops a command: output folders that may
not be replaced, operating-system errors (permissions, disk full, read-only, busy), Ctrl-C and
input files too deep or too large to read — one sentence each, Vietnamese and English.

`os_error_text(error)` words an `OSError` by its errno and the path it names.
"""

from __future__ import annotations

import errno

from tuyensinh.words.core import Catalog, Text

__all__ = ["SYSTEM", "say", "text", "os_error_text"]

_CHOOSE_VI = "hãy chọn một thư mục mới hoặc trống cho --out, hoặc chuyển các tệp đó đi nơi khác"
_CHOOSE_EN = "choose a new or empty folder for --out, or move those files elsewhere"

SYSTEM = Catalog(
    __name__,
    {
        # --- the output folder (--out) ------------------------------------------------------------
        "out.is_file": (
            "--out {out} là một tệp, không phải thư mục; hãy chỉ một đường dẫn thư mục",
            "--out {out} is a file, not a folder; give a folder path",
        ),
        "out.mount_point": (
            "--out {out} là một điểm gắn ổ đĩa (mount point) nên không thể thay thế; hãy chỉ một thư mục "
            "con bên trong nó, ví dụ {out}/ket_qua",
            "--out {out} is a mount point and cannot be replaced; give a folder inside it, e.g. {out}/results",
        ),
        "out.overlaps": (
            "--out {out} trùng với thư mục dữ liệu {ward}: thư mục kết quả được thay thế toàn bộ nên phải "
            "là một thư mục riêng (ví dụ out/<tên phường>)",
            "--out {out} overlaps the ward folder {ward}: the output folder is replaced as a whole, so "
            "it must be a separate folder (e.g. out/<ward>)",
        ),
        "out.foreign": (
            "--out {out} đã có những tệp không phải do tuyensinh ghi ({files}) và không có manifest.json "
            "của một lần chạy tuyensinh plan; thư mục sẽ bị thay thế toàn bộ nên không có gì bị ghi; " + _CHOOSE_VI,
            "--out {out} already holds files tuyensinh did not write ({files}) and no manifest.json of a "
            "tuyensinh plan; the folder would be replaced as a whole, so nothing was written; " + _CHOOSE_EN,
        ),
        "out.bad_manifest": (
            "--out {out} có tệp manifest.json nhưng không phải do tuyensinh plan ghi ({why}) và "
            "chứa {files}; thư mục sẽ bị thay thế toàn bộ nên không có gì bị ghi; " + _CHOOSE_VI,
            "--out {out} has a manifest.json that tuyensinh plan did not write ({why}) and holds "
            "{files}; the folder would be replaced as a whole, so nothing was written; " + _CHOOSE_EN,
        ),
        "out.extra": (
            "--out {out} là kết quả của một lần chạy trước nhưng có thêm {n} tệp không phải do tuyensinh ghi "
            "({files}); không có gì bị ghi để khỏi xóa chúng; " + _CHOOSE_VI,
            "--out {out} holds a previous plan plus {n} file(s) tuyensinh did not write ({files}); nothing "
            "was written so they are not deleted; " + _CHOOSE_EN,
        ),
        "out.changed": (
            "--out {out}: {n} tệp đã bị sửa sau khi tuyensinh ghi ({files}); không có gì bị ghi để khỏi mất "
            "các thay đổi đó; hãy lưu bản đã sửa ở nơi khác hoặc chọn thư mục --out khác",
            "--out {out}: {n} file(s) were changed after tuyensinh wrote them ({files}); nothing was "
            "written so those changes are not lost; keep the edited copies elsewhere or choose another "
            "--out folder",
        ),
        "out.replace_foreign": (
            "--out {out} đã có {n} tệp cùng tên không phải do tuyensinh ghi hoặc đã bị sửa ({files}); không có gì bị "
            "ghi để khỏi mất chúng; " + _CHOOSE_VI,
            "--out {out} already has {n} file(s) of the same name that tuyensinh did not write or that were changed "
            "since ({files}); nothing was written so they are not lost; " + _CHOOSE_EN,
        ),
        "why.not_json": ("không đọc được dưới dạng JSON", "it is not readable JSON"),
        "why.not_tool": ('không có khóa "tool": "tuyensinh"', 'it has no "tool": "tuyensinh" key'),
        "why.no_outputs": (
            "không có danh sách tệp kết quả (outputs_sha256)",
            "it has no list of outputs (outputs_sha256)",
        ),
        "more": ("… và {n} tệp khác", "… and {n} more"),
        # --- operating-system errors -----------------------------------------------------------------
        "os.prefix": ("Lỗi", "error"),
        "os.permission": (
            "không có quyền {action} {path}; hãy kiểm tra quyền của tệp/thư mục (hoặc chọn thư mục khác)",
            "permission denied to {action} {path}; check its permissions (or choose another folder)",
        ),
        "os.no_space": (
            "ổ đĩa chứa {path} đã đầy; hãy giải phóng dung lượng rồi chạy lại (kết quả trước vẫn giữ nguyên)",
            "the disk holding {path} is full; free some space and run again (earlier outputs are kept)",
        ),
        "os.read_only": (
            "{path} nằm trên ổ đĩa chỉ đọc; hãy chọn thư mục --out trên một ổ ghi được",
            "{path} is on a read-only file system; choose an --out folder on a writable disk",
        ),
        "os.busy": (
            "{path} đang được dùng (thư mục đang mở hoặc là điểm gắn ổ đĩa); hãy đóng chương trình đang dùng nó "
            "hoặc chọn thư mục khác",
            "{path} is busy (open elsewhere or a mount point); close what uses it or choose another folder",
        ),
        "os.missing": ("không tìm thấy {path}; hãy kiểm tra đường dẫn", "{path} does not exist; check the path"),
        "os.is_folder": ("{path} là một thư mục, không phải tệp", "{path} is a folder, not a file"),
        "os.not_folder": (
            "một phần của đường dẫn {path} là tệp, không phải thư mục",
            "part of the path {path} is a file, not a folder",
        ),
        "os.loop": (
            "{path} là một liên kết tượng trưng (symlink) vòng tròn, trỏ lại chính nó; hãy thay bằng tệp thật",
            "{path} is a symbolic link loop (it points back to itself); replace it with the real file",
        ),
        "os.name_too_long": ("tên {path} quá dài", "the name {path} is too long"),
        "os.other": ("không {action} được {path}: {reason}", "could not {action} {path}: {reason}"),
        "action.read": ("đọc", "read"),
        "action.write": ("ghi", "write"),
        "arg.finite": (
            "phải là một số hữu hạn không âm, không phải '{value}'",
            "must be a finite number of at least 0, not '{value}'",
        ),
        "interrupted": (
            "Đã dừng theo yêu cầu (Ctrl-C); không có gì bị ghi, kết quả trước vẫn giữ nguyên.",
            "Stopped at your request (Ctrl-C); nothing was written and earlier outputs are kept.",
        ),
        "too_deep": (
            "một tệp đầu vào lồng nhau quá sâu để đọc (ví dụ mảng trong mảng hàng nghìn lần trong ward.toml "
            "hoặc tệp kịch bản); hãy kiểm tra và viết lại tệp đó",
            "an input file is nested too deeply to read (e.g. arrays inside arrays thousands of levels deep in "
            "ward.toml or a scenarios file); check and rewrite that file",
        ),
    },
)


def say(key: str, /, lang: str = "vi", **fields: object) -> str:
    """The entry `key` of `SYSTEM` in `lang`, with its ``{fields}`` filled in."""
    return SYSTEM.say(key, lang, **fields)


def text(key: str, /, **fields: object) -> Text:
    """The entry `key` of `SYSTEM` in both languages."""
    return SYSTEM.text(key, **fields)


_ERRNO_KEYS = {
    errno.EACCES: "os.permission",
    errno.EPERM: "os.permission",
    errno.ENOSPC: "os.no_space",
    errno.EDQUOT: "os.no_space",
    errno.EROFS: "os.read_only",
    errno.EBUSY: "os.busy",
    errno.ENOENT: "os.missing",
    errno.EISDIR: "os.is_folder",
    errno.ENOTDIR: "os.not_folder",
    errno.ELOOP: "os.loop",
    errno.ENAMETOOLONG: "os.name_too_long",
}


def os_error_text(error: OSError, action: str = "write") -> Text:
    """One sentence for an operating-system error: what happened to which path, and what to do.

    `action` ("read" or "write") words what was being done when errno alone does not say it.
    """
    path = error.filename if error.filename is not None else ""
    if error.filename2 is not None and error.errno in (errno.EBUSY, errno.EXDEV):
        path = path or error.filename2
    key = _ERRNO_KEYS.get(error.errno or -1, "os.other")
    reason = error.strerror or type(error).__name__
    return text(key, path=str(path) or "?", action=text(f"action.{action}"), reason=reason)
