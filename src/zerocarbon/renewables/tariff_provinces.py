"""Provincial time-of-use tables with critical peak (尖峰) or deep valley (深谷): periods and ratios, never prices.

Same form as :mod:`zerocarbon.renewables.tariff_tables` (:class:`~zerocarbon.renewables.tariff_tables.TouTable`):
the notice sets which clock hours are 尖峰/峰/平/谷/深谷 in which months and the ratio of each period's price
to the flat (平) price; **the flat price itself is a required input** (the month's agency-purchase price list
代理购电价格表 or the user's bill), as is the part of the price that does not float. Price of period p
[CNY/kWh] = floating basis × ratio_p + non-floating part.

Where the periods were read. The provincial notices themselves were **not opened** (not in the stored copies
the project's search reaches); each table is the notice as restated, and every hour and ratio below is the
restatement's, cross-checked where a second restatement was found:

Guangdong (广东), ``guangdong-2021``
    广东省发展改革委《关于进一步完善我省峰谷分时电价政策有关问题的通知》(粤发改价格〔2021〕331号).
    Restated (a) in a note numbered 6 of an agency-purchase (代理购电) price text, quoted verbatim in a public
    Go test file of such notes (package ``cronx``, test ``TestNewPeriod``, text key "广东"; repository not
    named by the index; the file also holds the Jiangsu note used for ``jiangsu-2025``): the flat price is
    the agency user price without government funds and surcharges; one division all year, 峰 10–12 and
    14–19 h, 谷 0–8 h, 平 the rest; 峰:平:谷 = 1.7:1:0.38; 尖峰 in the whole of July, August and September
    and on days of other months when Guangzhou's forecast maximum reaches 35 °C, at 11–12 and 15–17 h,
    25 % above the 峰 price; (b) in the commission's announcement as reposted on 2021-09-06 at
    http://06wxu.cn/xw/gnxw/20210906/100493.html (same hours, ratios and 尖峰 rule; the old ratio 1.65:1:0.5
    replaced).
    Hence 峰 = 平 × 1.7, 谷 = 平 × 0.38, 尖峰 = 峰 × 1.25 = 平 × 2.125.

Not shipped (listed in docs/renewables.md): Shandong (鲁发改价格〔2023〕914号: its 2025 division with 尖峰
and 深谷 was read only in public repositories the project's search does not name, so a reader could not
follow the source), Zhejiang (浙发改价格〔2026〕112号, in force 2026-07-01: only its
ratios 尖峰:高峰:平:低谷:深谷 = 2.05:1.85:1:0.4:0.2 were read, in a news summary; the hours were read only
in the consultation draft and a third-party model), Jiangsu's 尖峰/深谷 (see ``jiangsu-2025``).
Checked again 2026-12-04 (search of the stored pages, documents and repositories): no page of either
commission (fgw.shandong.gov.cn, fzggw.zj.gov.cn / zj.gov.cn) is stored. Shandong: the grid company's note 2
quoted in the Go test file above gives 914号's 2025 division and ratios, but neither the notice's title nor
an address, and the division is announced year by year. Zhejiang: the same file quotes the periods of
浙发改价格〔2024〕21号 (no ratios; a news repost of 2024-01-31 says they are in the notice's tables 1 and 2),
superseded from 2026-07-01 by 〔2026〕112号, whose hours and an address on zj.gov.cn were read only in a
third-party Julia model (its holiday 深谷 hours disagree with another third-party file). Nothing shipped.
"""

from __future__ import annotations

from zerocarbon.errors import InputError
from zerocarbon.renewables.tariff_tables import TOU_TABLES, TouTable

CRITICAL, PEAK, FLAT, VALLEY, DEEP = "尖峰", "峰", "平", "谷", "深谷"

Spans = tuple[tuple[str, tuple[tuple[int, int], ...]], ...]


def day(spans: Spans, default: str = FLAT) -> tuple[str, ...]:
    """24 period names: ``default`` everywhere, then each (period, [start, end) clock hours) in order, a later
    span overriding an earlier one (尖峰 inside 峰, 深谷 inside 谷, as the notices nest them)."""
    out = [default] * 24
    for name, ranges in spans:
        for start, end in ranges:
            if not 0 <= start < end <= 24:
                raise ValueError(f"bad span {start}-{end}")
            out[start:end] = [name] * (end - start)
    return tuple(out)


_GD_BASE = day(((VALLEY, ((0, 8),)), (PEAK, ((10, 12), (14, 19)))))
_GD_CRITICAL = day(((VALLEY, ((0, 8),)), (PEAK, ((10, 12), (14, 19))), (CRITICAL, ((11, 12), (15, 17)))))

GUANGDONG_2021 = TouTable(
    key="guangdong-2021", province="广东",
    document="广东省发展改革委《关于进一步完善我省峰谷分时电价政策有关问题的通知》粤发改价格〔2021〕331号",
    restated_by="note 6 of an agency-purchase (代理购电) price text, quoted in a public Go test file (package "
                "cronx, TestNewPeriod, key 广东), and the commission's announcement as reposted on 2021-09-06 at "
                "http://06wxu.cn/xw/gnxw/20210906/100493.html; the notice itself was not opened",
    schedules={m: (_GD_CRITICAL if m in (7, 8, 9) else _GD_BASE) for m in range(1, 13)},
    ratios={"tou_users": {CRITICAL: 1.7 * 1.25, PEAK: 1.7, FLAT: 1.0, VALLEY: 0.38}},
    user_classes={"tou_users": ("执行峰谷分时电价的工商业用户（基础电价：代理购电用户电价，不含政府性基金及附加）",
                                "industrial and commercial users on time-of-use (basis: the agency user price "
                                "without government funds and surcharges)")},
    not_covered="the notice's scope of users (实施范围) as such; 尖峰 on hot days outside July–September only on the "
                "dates the user declares (Guangzhou forecast maximum ≥ 35 °C, from the next day); rounding of "
                "prices to 0.01 fen/kWh",
    declared_day_schedule=_GD_CRITICAL,
)

#: The tables of this module by key.
PROVINCE_TABLES: dict[str, TouTable] = {t.key: t for t in (GUANGDONG_2021,)}


def tou_table(key: str) -> TouTable:
    """A shipped table by key (this module's and :mod:`~zerocarbon.renewables.tariff_tables`'); an unknown key
    raises naming the known ones."""
    tables = {**TOU_TABLES, **PROVINCE_TABLES}
    if key not in tables:
        raise InputError(f"未知分时电价表 {key}", f"unknown time-of-use table {key}", field="tariff.table",
                         expected=", ".join(tables))
    return tables[key]
