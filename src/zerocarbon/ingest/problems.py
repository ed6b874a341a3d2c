"""Problems found in one activity-data file, collected and reported together, in the user's language.

The reader (:mod:`zerocarbon.ingest.activity_file`) does not stop at the first problem: each is
added here with its place (file, sheet, row, the column header as the file spells it) and the
value found, and :meth:`Problems.raise_if_any` raises them all at once as one
:class:`~zerocarbon.errors.InputErrors` (or the single :class:`~zerocarbon.errors.InputError` when
there is one). Pydantic's English reasons ("Input should be 'fuel_combustion'…") are turned into
messages in Chinese and English naming what to write instead (:func:`translate`).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from zerocarbon.errors import InputError, InputErrors, printable
from zerocarbon.ingest.columns import CHOICES, choices
from zerocarbon.model.vocabulary import Label

#: A problem's key: the path of the field inside the file's data, 0-based (("activity", 2, "amount")).
Key = tuple[Any, ...]
#: Where a key is, as the user sees it: file, sheet, row, field.
Locate = Callable[[Key], dict[str, Any]]

#: At most this many problems are listed (a file with every line wrong need not list 10,000).
MAX_PROBLEMS = 200


def shown(value: object, limit: int = 40) -> str:
    """A value as a message shows it: text, cut at ``limit`` characters, printable."""
    text = value if isinstance(value, str) else repr(value)
    text = text if len(text) <= limit else text[:limit] + "…"
    return printable(text)


def field_path(key: Key) -> str:
    """``("activity", 2, "amount")`` → ``activity[3].amount`` (1-based, as a user counts)."""
    return "".join(f"[{p + 1}]" if isinstance(p, int) else f".{p}" for p in key).lstrip(".")


def choice_list(key: str, lang: str) -> str:
    """The accepted values of an enumerated field, in ``lang`` ("" when the field is free)."""
    found = choices(key)
    return ("、" if lang == "zh" else ", ").join(label.text(lang) for label in found.values())


class Problems:
    """The problems of one file, by key; the first problem at a key wins (later ones repeat it)."""

    def __init__(self, file: str, locate: Locate) -> None:
        self.file = file
        self.locate = locate
        self._found: dict[Key, InputError] = {}

    def __len__(self) -> int:
        return len(self._found)

    def has(self, key: Key) -> bool:
        return any(key[:n] in self._found for n in range(1, len(key) + 1))

    def add(self, key: Key, zh: str, en: str, **where: Any) -> None:
        if self.has(key) or len(self._found) >= MAX_PROBLEMS:
            return
        place = {"file": self.file, **self.locate(key), **{k: v for k, v in where.items() if v is not None}}
        self._found[key] = InputError(zh, en, **place)

    def add_error(self, key: Key, exc: InputError) -> None:
        if self.has(key) or len(self._found) >= MAX_PROBLEMS:
            return
        self._found[key] = exc.with_location(file=self.file, **self.locate(key))  # type: ignore[assignment]

    def raise_if_any(self) -> None:
        problems = list(self._found.values())
        if not problems:
            return
        if len(problems) == 1:
            raise problems[0]
        more = f"（仅列出前 {MAX_PROBLEMS} 处）" if len(problems) >= MAX_PROBLEMS else ""
        more_en = f" (the first {MAX_PROBLEMS} are listed)" if more else ""
        sheets = {p.sheet for p in problems}
        raise InputErrors(f"文件中有 {len(problems)} 处错误{more}，请逐一改正后再运行",
                          f"the file has {len(problems)} problems{more_en}; correct each, then run again",
                          file=self.file, sheet=sheets.pop() if len(sheets) == 1 else None, problems=problems,
                          details={"errors": [{"file": p.file, "sheet": p.sheet, "row": p.row, "field": p.field,
                                               "message_zh": p.message_zh, "message_en": p.message_en}
                                              for p in problems]})


# ------------------------------------------------------------------------------ pydantic's reasons
_OWN: tuple[tuple[re.Pattern[str], str, str], ...] = tuple((re.compile(p, re.S), zh, en) for p, zh, en in (
    (r"^'(.*)' is not a number$", "“{0}” 不是数字", "'{0}' is not a number"),
    (r"^'(.*)' is not a finite number$", "“{0}” 不是有限的数", "'{0}' is not a finite number"),
    (r"^a number is expected, the cell is empty$", "应填数字，单元格为空", "a number is expected, the cell is empty"),
    (r"^a number is expected, not true/false$", "应填数字，不是 是/否", "a number is expected, not yes/no"),
    (r"^a number is expected, got (.*)$", "应填数字", "a number is expected"),
    (r"^period '(.*)' is not YYYY or YYYY-MM$", "期间 “{0}” 应写作 YYYY 或 YYYY-MM（如 2023 或 2023-01）",
     "period '{0}' is not YYYY or YYYY-MM (write 2023 or 2023-01)"),
    (r"^month (\d+) out of range in period '(.*)'$", "期间 “{1}” 的月份 {0} 不在 1–12 之间",
     "month {0} of period '{1}' is not 1–12"),
    (r"^amounts are stated as positive numbers.*$", "数量应填正数，排放类别决定加或减",
     "amounts are positive numbers; the category says whether they add or subtract"),
    (r"^category (\S+) needs an item.*$", "该排放类别需要填写品种（燃料、碳酸盐或气体）",
     "category {0} needs an item (a fuel, carbonate or gas)"),
    (r"^a mass-balance line needs direction.*$", "碳质量平衡行需要填写流向（输入/输出）",
     "a mass-balance line needs a direction (input or output)"),
    (r"^recovered CO2 can only be subtracted with evidence.*$", "回收利用的 CO2 只有附证明材料才能扣减",
     "recovered CO2 can only be subtracted with evidence"),
    (r"^green power counts as zero only with proof.*$", "绿电只有附交易凭证或绿证才能计为零",
     "green power counts as zero only with proof (a green-power trade record or certificates)"),
    (r"^activity id '(.*)' is used twice$", "活动数据编号 “{0}” 重复", "activity id '{0}' is used twice"),
    (r"^facility '(.*)' is not declared$", "设施 “{0}” 未在“设施”表中声明", "facility '{0}' is not declared"),
    (r"^product '(.*)' is not declared$", "产品 “{0}” 未在“产品”表中声明", "product '{0}' is not declared"),
    (r"^certificate '(.*)' appears twice.*$", "绿证 “{0}” 重复出现（重复计算）",
     "certificate '{0}' appears twice (double counting)"),
))


def _own(text: str) -> tuple[str, str]:
    for pattern, zh, en in _OWN:
        found = pattern.match(text)
        if found:
            groups = [shown(g) for g in found.groups()]
            return zh.format(*groups), en.format(*groups)
    return f"数据不符合要求（原文：{shown(text, 200)}）", f"invalid data ({shown(text, 200)})"


_QUOTED = re.compile(r"'([^']*)'")


def expected_choices(expected: object, lang: str) -> str:
    """Pydantic's list of allowed values (``"'fuel_combustion', 'process_carbonate' or …"``) as their
    labels in ``lang`` (燃料燃烧、过程排放-碳酸盐 …), looked up in every enumerated column; a value no
    column knows is shown as written."""
    labels: dict[str, Label] = {}
    for family in CHOICES.values():
        labels.update(family)
    values = _QUOTED.findall(str(expected)) or [str(expected)]
    sep = "、" if lang == "zh" else ", "
    return sep.join(labels[v].text(lang) if v in labels else v for v in values)


#: Pydantic error types without a field-specific reading: (zh, en) with ``{found}`` and ctx fields.
SIMPLE: dict[str, tuple[str, str]] = {
    "string_too_long": ("“{found}” 太长：最多 {max_length} 个字符",
                        "'{found}' is too long: at most {max_length} characters"),
    "string_pattern_mismatch": ("“{found}” 的格式不对（应符合 {pattern}）",
                                "'{found}' has the wrong form (pattern {pattern})"),
    "too_short": ("至少应有 {min_length} 项", "at least {min_length} entries are expected"),
    "too_long": ("最多 {max_length} 项", "at most {max_length} entries are allowed"),
    "int_from_float": ("“{found}” 应为整数（不带小数）", "'{found}' should be a whole number (no decimals)"),
    "decimal_max_digits": ("“{found}” 位数太多：最多 {max_digits} 位",
                           "'{found}' has too many digits: at most {max_digits}"),
    "decimal_max_places": ("“{found}” 小数位太多：最多 {decimal_places} 位",
                           "'{found}' has too many decimals: at most {decimal_places}"),
    "decimal_whole_digits": ("“{found}” 整数部分位数太多：最多 {whole_digits} 位",
                             "'{found}' has too many digits before the point: at most {whole_digits}"),
    "multiple_of": ("“{found}” 应为 {multiple_of} 的整数倍", "'{found}' should be a multiple of {multiple_of}"),
    "date_parsing": ("“{found}” 不是日期（写作 2023-01-31）", "'{found}' is not a date (write 2023-01-31)"),
    "date_from_datetime_parsing": ("“{found}” 不是日期（写作 2023-01-31）",
                                   "'{found}' is not a date (write 2023-01-31)"),
    "date_type": ("“{found}” 不是日期（写作 2023-01-31）", "'{found}' is not a date (write 2023-01-31)"),
    "datetime_parsing": ("“{found}” 不是日期时间（写作 2023-01-31T08:00+08:00）",
                         "'{found}' is not a date and time (write 2023-01-31T08:00+08:00)"),
    "datetime_from_date_parsing": ("“{found}” 不是日期时间（写作 2023-01-31T08:00+08:00）",
                                   "'{found}' is not a date and time (write 2023-01-31T08:00+08:00)"),
    "datetime_type": ("“{found}” 不是日期时间（写作 2023-01-31T08:00+08:00）",
                      "'{found}' is not a date and time (write 2023-01-31T08:00+08:00)"),
    "timezone_aware": ("“{found}” 应带时区（如 +08:00）", "'{found}' needs a time zone (such as +08:00)"),
    "union_tag_invalid": ("“{found}” 不是可选的类型", "'{found}' is not one of the kinds allowed"),
    "union_tag_not_found": ("缺少类型字段", "the field naming the kind is missing"),
    "json_invalid": ("不是有效的 JSON", "not valid JSON"),
    "url_parsing": ("“{found}” 不是网址", "'{found}' is not a URL"),
    "bytes_type": ("应填文本", "text is expected"),
    "none_required": ("此处应为空", "this must be empty"),
    "is_instance_of": ("“{found}” 的类型不对", "'{found}' is of the wrong kind"),
    "frozen_instance": ("此值不能修改", "this value cannot be changed"),
    "assertion_error": ("“{found}” 不符合要求", "'{found}' is not accepted"),
}


def translate(error: dict[str, Any], key: Key, enum_key: str | None) -> tuple[str, str]:
    """(zh, en) for one of pydantic's errors at ``key``; ``enum_key`` names the column's choices."""
    kind = str(error.get("type", ""))
    ctx = error.get("ctx") or {}
    value = error.get("input")
    found = shown(value) if value is not None and not isinstance(value, dict | list) else ""
    if kind == "missing":
        return "必填字段为空", "required field is empty"
    if kind in ("literal_error", "enum"):
        zh, en = (choice_list(enum_key, "zh"), choice_list(enum_key, "en")) if enum_key else ("", "")
        zh = zh or expected_choices(ctx.get("expected", ""), "zh")
        en = en or expected_choices(ctx.get("expected", ""), "en")
        return f"“{found}” 不是可选的值；可填：{zh}", f"'{found}' is not one of the choices; write one of: {en}"
    if kind == "extra_forbidden":
        return f"未知字段 “{shown(key[-1])}”", f"unknown field '{shown(key[-1])}'"
    limits = {"greater_than": ("应大于 {gt}", "must be greater than {gt}"),
              "greater_than_equal": ("应不小于 {ge}", "must be at least {ge}"),
              "less_than": ("应小于 {lt}", "must be less than {lt}"),
              "less_than_equal": ("应不大于 {le}", "must be at most {le}")}
    if kind in limits:
        zh, en = limits[kind]
        args = {k: shown(v) for k, v in ctx.items()}
        return f"“{found}” " + zh.format(**args), f"'{found}' " + en.format(**args)
    if kind == "string_too_short":
        return "不能为空", "must not be empty"
    if kind in ("string_type", "string_unicode"):
        return f"应填文本，不是 “{found}”", f"text is expected, not '{found}'"
    if kind in ("int_type", "int_parsing", "int_from_float"):
        return f"“{found}” 不是整数", f"'{found}' is not a whole number"
    if kind in ("bool_type", "bool_parsing"):
        return f"“{found}” 不是 是/否", f"'{found}' is not yes/no"
    if kind in ("decimal_parsing", "decimal_type", "float_parsing", "float_type", "finite_number"):
        return f"“{found}” 不是数字", f"'{found}' is not a number"
    if kind in ("list_type", "tuple_type"):
        return "应为列表", "a list is expected"
    if kind in ("dict_type", "model_type", "model_attributes_type"):
        return "应为映射（字段: 值）", "a mapping (field: value) is expected"
    if kind in SIMPLE:
        zh, en = SIMPLE[kind]
        args = {k: shown(v) for k, v in ctx.items()}
        try:
            return zh.format(found=found, **args), en.format(found=found, **args)
        except (KeyError, IndexError):  # a ctx field this pydantic does not give: the text without it
            return _own(str(error.get("msg", "")))
    if kind == "value_error":
        return _own(str(error.get("msg", "")).removeprefix("Value error, "))
    return _own(str(error.get("msg", "")))

