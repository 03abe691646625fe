"""Reading a CSV or XLSX file into Rows: the header, the cells under it, and what is wrong with the file."""

import csv
import io
import re
import warnings
from datetime import date, datetime
from datetime import time as dtime
from pathlib import PurePath

from openpyxl import load_workbook

from .. import importer as _package  # for MAX_ROWS, read at call time (see _keep)
from .model import COLUMNS, TITLES, Row, RowError


class _FileProblem(ValueError):
    """The whole file cannot be read."""


def parse_file(filename: str, data: bytes) -> tuple[list[Row], list[RowError]]:
    """Rows of a CSV or XLSX file and what is wrong with it; a file that cannot be read gives no rows."""
    kind = _file_kind(filename, data)
    if kind == "xls":
        return [], [RowError(1, "Формат .xls не поддерживается: сохраните файл как .xlsx или CSV UTF-8.")]
    try:
        records = _xlsx_records(data) if kind == "xlsx" else _csv_records(data)
    except _FileProblem as e:
        return [], [RowError(1, str(e))]
    return _rows_from(records)


def read_records(filename: str, data: bytes) -> list[tuple[int, list[str]]]:
    """(line, cells) of a CSV or XLSX file, for other imports (the official figures); ValueError says why not."""
    kind = _file_kind(filename, data)
    if kind == "xls":
        raise _FileProblem("Формат .xls не поддерживается: сохраните файл как .xlsx или CSV UTF-8.")
    return _xlsx_records(data) if kind == "xlsx" else _csv_records(data)


def _file_kind(filename: str, data: bytes) -> str:
    """xlsx, xls or csv, by the file name's extension, else by the content (a ZIP is an XLSX)."""
    ext = PurePath(filename or "").suffix.lower()
    if ext in (".xlsx", ".xlsm"):
        return "xlsx"
    if ext == ".xls":
        return "xls"
    if ext in (".csv", ".txt"):
        return "csv"
    return "xlsx" if data[:4] == b"PK\x03\x04" else "csv"


def _csv_records(data: bytes) -> list[tuple[int, list[str]]]:
    """(line, cells) of a UTF-8 CSV whose delimiter is ; or , — whichever the header line has more of."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise _FileProblem("Файл не в кодировке UTF-8: в Excel выберите «Сохранить как» → «CSV UTF-8».") from e
    header = text.split("\n", 1)[0]
    delimiter = "," if header.count(",") > header.count(";") else ";"
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    records = []
    try:
        for line, cells in enumerate(reader, start=1):
            _keep(records, line, cells)
    except csv.Error as e:
        raise _FileProblem(f"Не удалось разобрать CSV около строки {reader.line_num}: проверьте кавычки.") from e
    return records


def _xlsx_records(data: bytes) -> list[tuple[int, list[str]]]:
    """(line, cells) of the first sheet of an XLSX workbook; empty rows keep their line numbers."""
    records = []
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl warns about styles and extensions it does not read
            book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
            try:
                for line, values in enumerate(book.worksheets[0].iter_rows(values_only=True), start=1):
                    if any(v is not None for v in values) or line == 1:
                        _keep(records, line, [_cell_text(v) for v in values])
            finally:
                book.close()
    except _FileProblem:
        raise
    except Exception as e:  # a damaged or foreign file can fail anywhere inside openpyxl
        raise _FileProblem("Не удалось прочитать файл XLSX: он повреждён или это не книга Excel.") from e
    return records


def _keep(records: list, line: int, cells: list[str]) -> None:
    """Keep the header and every row with something in it; refuse files with too many rows."""
    if line == 1 or any(c.strip() for c in cells):
        # The limit is the package's MAX_ROWS as it is at call time, so that it can be lowered there (tests do).
        if len(records) > _package.MAX_ROWS:
            raise _FileProblem(f"В файле больше {_package.MAX_ROWS} строк: разделите его на части.")
        records.append((line, cells))


def _cell_text(value) -> str:
    """A cell's value as text: whole numbers without «.0», dates in ISO form."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime | date | dtime):
        return value.isoformat()
    return str(value)


def _rows_from(records: list[tuple[int, list[str]]]) -> tuple[list[Row], list[RowError]]:
    """Rows under the header; a header that cannot be understood gives no rows."""
    if not records or not any(c.strip() for c in records[0][1]):
        return [], [RowError(1, "Нет строки заголовка: в строке 1 ожидаются столбцы "
                                "район;бригада;участок;адрес;роль;логин;фио.")]
    columns, errors = _read_header(records[0][1])
    if errors:
        return [], errors
    width = len(records[0][1])
    rows = [_make_row(line, cells, columns, width) for line, cells in records[1:]]
    errors = [RowError(r.line, p) for r in rows for p in r.problems]
    if not rows:
        errors.append(RowError(1, "В файле нет строк с данными — только заголовок."))
    return rows, errors


def _header_key(text: str) -> str:
    """A column name reduced for comparison: lower case, ё as е, punctuation and _ as spaces."""
    return " ".join(re.sub(r"[\W_]+", " ", text.lower().replace("ё", "е")).split())


_ALIASES = {_header_key(alias): name for name, aliases in COLUMNS.items() for alias in aliases}


def _read_header(cells: list[str]) -> tuple[dict[str, int], list[RowError]]:
    """The position of each known column; errors for repeated or missing required columns."""
    columns, errors = {}, []
    for i, cell in enumerate(cells):
        name = _ALIASES.get(_header_key(cell))
        if name is None:
            continue
        if name in columns:
            errors.append(RowError(1, f"Столбец «{TITLES[name]}» указан дважды."))
        columns[name] = i
    if "district" not in columns:
        errors.append(RowError(1, "В заголовке нет столбца «район»: ожидаются столбцы "
                                  "район;бригада;участок;адрес;роль;логин;фио."))
    elif not {"team", "station", "role"} & columns.keys():
        errors.append(RowError(1, "В заголовке нет ни «бригады», ни «участка», ни «роли»."))
    if "role" in columns:
        errors += [RowError(1, f"В заголовке нет столбца «{TITLES[n]}», а он нужен для людей.")
                   for n in ("login", "full_name") if n not in columns]
    return columns, errors


def _make_row(line: int, cells: list[str], columns: dict[str, int], width: int) -> Row:
    """A Row from the cells under the header; filled cells beyond the header are a problem."""
    n = len(cells)
    values = {name: " ".join(cells[i].split()) if i < n else "" for name, i in columns.items()}
    problems = ()
    if any(c.strip() for c in cells[width:]):
        problems = ("В строке больше ячеек, чем столбцов в заголовке: проверьте разделитель и кавычки.",)
    return Row(line=line, problems=problems, **values)
