"""Provincial time-of-use tables (分时电价) shipped with their source: periods and ratios, never prices.

A provincial notice sets the **periods** (which clock hours are 峰/平/谷 in which months) and the
**ratios** by which the peak and valley prices float around the flat price; the price level itself
(the month's agency-purchase price 代理购电价格 or the user's market price, and the components that
do not float) changes every month and is **a required input** here: no price is built in.

Jiangsu (江苏), ``jiangsu-2025``
    《关于优化工商业分时电价结构促进新能源消纳降低企业用电成本支持经济社会发展的通知》,
    江苏省发展改革委, 苏发改价格发〔2025〕426号; published on fzggw.jiangsu.gov.cn
    (https://fzggw.jiangsu.gov.cn/art/2025/4/30/art_284_11557001.html, the address as given by a
    secondary source; the page itself was not opened); in force from 2025-06-01 (secondary).
    Periods and ratios as restated in note 3 of 国网江苏省电力有限公司's monthly 代理购电价格表, quoted
    verbatim in a public repository (Go source, text key "江苏"); the periods agree with an
    independent second repository's table for Nanjing. As restated there:

    * 夏、冬两季 (June–August, December–February): 高峰 14:00–22:00; 平 6:00–11:00, 13:00–14:00,
      22:00–24:00; 低谷 0:00–6:00, 11:00–13:00;
    * 春、秋两季 (March–May, September–November): 高峰 15:00–22:00; 平 6:00–10:00, 14:00–15:00,
      22:00–次日 2:00; 低谷 2:00–6:00, 10:00–14:00;
    * the floating basis is the user's **purchase price** (购电价格); peak up by 80 % (two-part
      users, 两部制), 70 % (single-part ≥ 100 kVA), 60 % (single-part < 100 kVA); valley down by 65 %.

    Not shipped (not verified from the notice or the grid company's text): critical-peak (尖峰) and
    holiday deep-valley (深谷) hours and ratios, which secondary sources describe differently (one
    gives 尖峰 = 峰 × 1.2 at half-hour boundaries for ≥ 315 kVA industry), and the opt-in choice of
    small users to take the spring/autumn periods all year. Users who need them supply their own
    table (:class:`~zerocarbon.renewables.tariffs.TouTariff`: half-hour slots, month and date
    overrides). Checked again (2026-12): a public Julia repository's comments on the notice (found by
    the text "江苏省工商业分时电价（苏发改价格发〔2025〕426号"; repository not named by the index) give
    尖峰 = 峰 × 1.2 for industry ≥ 315 kVA in July–August 14:00–15:00 and 19:30–21:30 and in
    December–January 18:00–20:00, and holiday 深谷 10:00–14:00 at 谷 × 0.8; the grid company's note 3
    is silent on both and the notice was not opened, so they stay out.

Tables with critical peak (Guangdong), and the look-up of every shipped table by key (``tou_table``):
:mod:`zerocarbon.renewables.tariff_provinces`.

Price of period p [CNY/kWh] = purchase price × ratio_p + non-floating part (transmission and
distribution, system operation, grid-side losses, government funds: "不参与浮动"), both from the
month's 代理购电价格表 or the user's contract, with their source.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from zerocarbon.errors import InputError
from zerocarbon.renewables.tariffs import TouTariff

PEAK, FLAT, VALLEY = "峰", "平", "谷"


def _hours(spans: Mapping[str, tuple[tuple[int, int], ...]]) -> tuple[str, ...]:
    """24 period names from half-open clock-hour spans [start, end) (end may wrap past 24)."""
    out: list[str | None] = [None] * 24
    for name, ranges in spans.items():
        for start, end in ranges:
            for h in range(start, end if end > start else end + 24):
                if out[h % 24] is not None:
                    raise ValueError(f"hour {h % 24} in two periods")
                out[h % 24] = name
    if any(p is None for p in out):
        raise ValueError("hours without a period")
    return tuple(str(p) for p in out)


@dataclass(frozen=True)
class TouTable:
    """A provincial period table and its floating ratios (module docstring).

    Attributes
    ----------
    key, province : str
    document : str
        Title, number and date of the notice; ``restated_by``: where the table was read.
    schedules : Mapping[int, tuple of 24 str]
        Period of each clock hour 0–23 for months 1–12.
    ratios : Mapping[str, Mapping[str, float]]
        Per user class, the multiplier of the purchase price in each period [-].
    user_classes : Mapping[str, tuple[str, str]]
        zh and en names of the user classes.
    declared_day_schedule : tuple of 24 str, optional
        The day table on dates the user declares (e.g. Guangdong's 尖峰 on hot days outside July–September);
        None = the notice has no such days. The dates go to :meth:`tariff` as ``declared_dates``.
    """

    key: str
    province: str
    document: str
    restated_by: str
    schedules: Mapping[int, tuple[str, ...]]
    ratios: Mapping[str, Mapping[str, float]]
    user_classes: Mapping[str, tuple[str, str]]
    not_covered: str
    declared_day_schedule: tuple[str, ...] | None = None

    def tariff(self, user_class: str, purchase_price: float, non_floating: float, price_source: str,
               export_price: float = 0.0, demand_charge: float = 0.0,
               declared_dates: Sequence[str] = ()) -> TouTariff:
        """The hourly tariff [CNY/kWh] for one user class and the month's price level.

        Parameters
        ----------
        user_class : str
            A key of :attr:`user_classes`.
        purchase_price : float
            The floating basis, the user's purchase price (代理购电价格 or market price) [CNY/kWh].
        non_floating : float
            The components that do not float (T&D, system operation, losses, funds) [CNY/kWh].
        price_source : str
            Where the two prices come from (e.g. the month's 代理购电价格表); required.
        declared_dates : sequence of str
            Local dates ``YYYY-MM-DD`` that take :attr:`declared_day_schedule` (user-supplied, with the table).
        """
        if declared_dates and self.declared_day_schedule is None:
            raise InputError(f"分时电价表 {self.key} 没有按日期启用的时段", f"table {self.key} has no declared-day "
                             "periods", field="declared_dates", expected="no dates for this table")
        if user_class not in self.ratios:
            raise InputError(f"未知用户类别 {user_class}", f"unknown user class {user_class}", field="user_class",
                             expected=", ".join(self.ratios))
        if purchase_price < 0 or non_floating < 0:
            raise InputError("电价不能为负", "prices cannot be negative", field="purchase_price/non_floating",
                             expected="≥ 0 CNY/kWh")
        if not price_source.strip():
            raise InputError("购电价格缺少来源（如当月代理购电价格表）", "the price level has no source (e.g. the "
                             "month's agency-purchase price list)", field="price_source")
        prices = {p: purchase_price * r + non_floating for p, r in self.ratios[user_class].items()}
        source = (f"periods and ratios: {self.document} (restated in {self.restated_by}; not covered: "
                  f"{self.not_covered}); user class: {self.user_classes[user_class][1]}; purchase price "
                  f"{purchase_price} + non-floating {non_floating} CNY/kWh: {price_source}")
        days = {str(d): self.declared_day_schedule for d in declared_dates if self.declared_day_schedule}
        if days:
            source += f"; declared days (user-supplied): {', '.join(sorted(days))}"
        return TouTariff(self.schedules[1], prices, source, month_schedules=dict(self.schedules),
                         demand_charge=demand_charge, export_price=export_price, date_schedules=days)


_JS_SW = _hours({VALLEY: ((0, 6), (11, 13)), FLAT: ((6, 11), (13, 14), (22, 24)), PEAK: ((14, 22),)})
_JS_SA = _hours({VALLEY: ((2, 6), (10, 14)), FLAT: ((6, 10), (14, 15), (22, 2)), PEAK: ((15, 22),)})

JIANGSU_2025 = TouTable(
    key="jiangsu-2025", province="江苏",
    document="江苏省发展改革委《关于优化工商业分时电价结构促进新能源消纳降低企业用电成本支持经济社会发展的通知》"
             "苏发改价格发〔2025〕426号 (https://fzggw.jiangsu.gov.cn/art/2025/4/30/art_284_11557001.html)",
    restated_by="note 3 of 国网江苏省电力有限公司's monthly 代理购电价格表, as quoted in a public repository",
    schedules={m: (_JS_SW if m in (6, 7, 8, 12, 1, 2) else _JS_SA) for m in range(1, 13)},
    ratios={"two_part": {PEAK: 1.80, FLAT: 1.0, VALLEY: 0.35},
            "single_part_100kva_plus": {PEAK: 1.70, FLAT: 1.0, VALLEY: 0.35},
            "single_part_below_100kva": {PEAK: 1.60, FLAT: 1.0, VALLEY: 0.35}},
    user_classes={"two_part": ("两部制用户", "two-part users"),
                  "single_part_100kva_plus": ("100千伏安及以上单一制用户", "single-part users ≥ 100 kVA"),
                  "single_part_below_100kva": ("100千伏安以下单一制用户", "single-part users < 100 kVA")},
    not_covered="critical-peak (尖峰) and holiday deep-valley (深谷) periods; the opt-in all-year spring/autumn "
                "periods of small users",
)

#: The shipped tables by key.
TOU_TABLES: dict[str, TouTable] = {JIANGSU_2025.key: JIANGSU_2025}
