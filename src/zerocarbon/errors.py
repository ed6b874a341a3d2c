"""The few exception types a user can meet.

Every error that reaches a person names where the problem is (file, sheet, row, field), what was
found and what was expected, in Chinese first and English second. Code that catches one of these
adds the location it knows (``with_location``) and raises it on; nothing is silently fixed.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from dataclasses import field as dc_field


def printable(text: str) -> str:
    """``text`` with characters that cannot be encoded as UTF-8 (lone surrogates) written as escapes."""
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


@dataclass(eq=False)
class ZerocarbonError(Exception):
    """Base class: a message in Chinese and English, and where the problem is."""

    message_zh: str
    message_en: str
    file: str | None = None
    sheet: str | None = None
    row: int | None = None
    field: str | None = None
    expected: str | None = None
    details: dict[str, object] = dc_field(default_factory=dict)

    def __post_init__(self) -> None:
        # Text from a broken file (a lone surrogate of a JSON "\\ud800") must not break whoever prints
        # or encodes the message: such characters are shown as their escape.
        for name in ("message_zh", "message_en", "file", "sheet", "field", "expected"):
            value = getattr(self, name)
            if isinstance(value, str):
                object.__setattr__(self, name, printable(value))
        super().__init__(self.__str__())

    def location(self, lang: str = "zh") -> str:
        parts: list[str] = []
        if lang == "zh":
            if self.file:
                parts.append(f"文件 {self.file}")
            if self.sheet:
                parts.append(f"工作表 {self.sheet}")
            if self.row is not None:
                parts.append(f"第 {self.row} 行")
            if self.field:
                parts.append(f"字段 {self.field}")
            return "，".join(parts)
        if self.file:
            parts.append(f"file {self.file}")
        if self.sheet:
            parts.append(f"sheet {self.sheet}")
        if self.row is not None:
            parts.append(f"row {self.row}")
        if self.field:
            parts.append(f"field {self.field}")
        return ", ".join(parts)

    def message(self, lang: str = "zh") -> str:
        loc = self.location(lang)
        text = self.message_zh if lang == "zh" else self.message_en
        exp = ""
        if self.expected:
            exp = f"（应为：{self.expected}）" if lang == "zh" else f" (expected: {self.expected})"
        sep = "：" if lang == "zh" else ": "
        return f"{loc}{sep}{text}{exp}" if loc else f"{text}{exp}"

    def __str__(self) -> str:
        return f"{self.message('zh')}\n{self.message('en')}"

    def with_location(self, **where: object) -> ZerocarbonError:
        """A copy with location fields filled in where they were still empty."""
        updates = {k: v for k, v in where.items() if v is not None and getattr(self, k) is None}
        return replace(self, **updates)  # type: ignore[arg-type]


@dataclass(eq=False)
class InputError(ZerocarbonError):
    """Bad input data: a file, sheet, row or field that cannot be accepted as it is."""


@dataclass(eq=False)
class UnitError(InputError):
    """A unit that is unknown or of the wrong dimension."""


@dataclass(eq=False)
class InputErrors(InputError):
    """Several problems of one file, found in one reading: ``problems`` lists each, located.

    The message is a summary; ``message(lang)`` lists every problem on its own line.
    """

    problems: list[InputError] = dc_field(default_factory=list)

    def message(self, lang: str = "zh") -> str:
        head = super().message(lang)
        lines = [(replace(p, file=None) if p.file == self.file else p).message(lang) for p in self.problems]
        return "\n".join([head, *(f"  {n}. {line}" for n, line in enumerate(lines, start=1))])


@dataclass(eq=False)
class FactorError(ZerocarbonError):
    """No factor for the requested item, parameter, data year and region (or a bad factor table)."""
