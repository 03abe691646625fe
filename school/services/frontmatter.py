"""Parse the `key: value` header between `---` lines used by every content file."""

from dataclasses import dataclass, field


@dataclass
class ContentError(Exception):
    path: str
    line: int
    message: str

    def __str__(self):
        return f"{self.path}:{self.line}: {self.message}"


@dataclass
class Parsed:
    fields: dict[str, str]
    field_lines: dict[str, int]
    body_lines: list[str]
    body_start: int  # 1-based line number of the first body line
    errors: list[ContentError] = field(default_factory=list)


def parse(path: str, text: str, allowed: set[str], required: set[str]) -> Parsed:
    """Split a file into header fields and body, collecting every header error."""
    lines = text.splitlines()
    result = Parsed({}, {}, lines, 1)
    if not lines or lines[0].strip() != "---":
        result.errors.append(ContentError(path, 1, "файл должен начинаться со строки ---"))
        return result
    for number, line in enumerate(lines[1:], start=2):
        if line.strip() == "---":
            result.body_lines, result.body_start = lines[number:], number + 1
            break
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        key, sep, value = line.partition(":")
        key = key.strip()
        if not sep:
            result.errors.append(ContentError(path, number, f"ожидалось «поле: значение», а не «{line.strip()}»"))
        elif key not in allowed:
            result.errors.append(ContentError(path, number, f"неизвестное поле «{key}»"))
        elif key in result.fields:
            result.errors.append(ContentError(path, number, f"поле «{key}» указано дважды"))
        else:
            result.fields[key], result.field_lines[key] = value.strip(), number
    else:
        result.errors.append(ContentError(path, 1, "шапка не закрыта строкой ---"))
        return result
    for key in sorted(required - result.fields.keys()):
        result.errors.append(ContentError(path, 1, f"нет обязательного поля «{key}»"))
    return result


def as_int(parsed: Parsed, path: str, key: str, default: int, low: int = 0, high: int = 10**6):
    """Read an integer header field, recording an error with its line if it is not one."""
    raw = parsed.fields.get(key)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        value = None
    if value is None or not low <= value <= high:
        parsed.errors.append(ContentError(
            path, parsed.field_lines[key], f"поле «{key}»: ожидается целое число от {low} до {high}"))
        return default
    return value


def as_bool(parsed: Parsed, path: str, key: str, default: bool) -> bool:
    raw = parsed.fields.get(key)
    if raw is None:
        return default
    if raw.lower() in ("yes", "да", "true"):
        return True
    if raw.lower() in ("no", "нет", "false"):
        return False
    parsed.errors.append(ContentError(path, parsed.field_lines[key], f"поле «{key}»: ожидается yes или no"))
    return default
