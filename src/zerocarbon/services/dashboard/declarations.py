"""Dashboard data: the battery carbon-footprint declarations of a factory's footprint study (产品碳足迹 page).

The study is the factory's companion file ``<factory id>.footprint.yaml`` beside its declared file
(:mod:`zerocarbon.services.dashboard.files`; format: docs/footprints.md, "The study file"). It is run by
:func:`zerocarbon.services.footprint.run_study` — the function ``zerocarbon footprint run`` and ``report`` call —
on the year run every page shows (the study's year), without Monte Carlo. Its declarations are the same objects
the CLI writes: the China traction-battery declaration (:meth:`BatteryDeclaration.form`,
``battery_declaration_<product>.json``) and the EU Battery Regulation one
(:func:`zerocarbon.services.footprint.eu_battery.eu_declarations`, ``battery_declaration_eu_<product>.json`` and its
one-page HTML/PDF of :mod:`zerocarbon.reports.battery_declaration`).

Without the companion file the answer says which file it would read (``available: false``).
"""

from __future__ import annotations

import json
import tempfile
from decimal import Decimal
from pathlib import Path
from typing import Any

from zerocarbon.errors import InputError
from zerocarbon.services.dashboard._base import _cached, _factory_row, fig, inventory_run
from zerocarbon.services.dashboard.files import companion_file, files_key

SCHEMES = ("cn", "eu")
#: :data:`zerocarbon.footprint.battery.CN_UNKNOWN` in Chinese, in its order (the page speaks one language).
CN_UNKNOWN_ZH = (
    "我国的全生命周期交付电量公式（循环次数、放电深度、使用年限）",
    "分配、取舍和背景数据规则",
    "应采用的电力排放因子；绿证（GEC）或购电协议是否可计入",
    "申报值的修约与有效数字",
    "回收阶段是否可为负值（抵扣）",
    "申报表的版式和字段",
    "性能等级或限值",
)
#: Files each declaration is offered as (the China declaration has no page of its own: JSON only).
FORMATS = {"cn": ("json",), "eu": ("json", "html", "pdf")}
MEDIA = {"json": "application/json", "html": "text/html; charset=utf-8", "pdf": "application/pdf"}


def _study_forms(factory_id: str, url: str | None) -> dict[str, Any] | None:
    """The study's declarations as plain forms (cached per store version and study file), or None without one."""
    path = companion_file(factory_id, "footprint")
    if path is None:
        return None

    def compute() -> dict[str, Any]:
        from zerocarbon.services.footprint.eu_battery import eu_declarations
        from zerocarbon.services.footprint.run import run_study
        from zerocarbon.services.footprint.study import load_study

        study = load_study(path)
        result = run_study(study, inventory_run(factory_id, study.year, url), iterations=0)
        eu = eu_declarations(result)
        products = []
        for p in result.products:
            if p.battery is None and p.item.id not in eu:
                continue
            products.append({"id": p.item.id, "name": {"zh": p.item.name_zh, "en": p.item.name_en or p.item.name_zh},
                             "cn": p.battery.form() if p.battery is not None else None,
                             "eu": eu[p.item.id].form() if p.item.id in eu else None})
        return {"file": path.name, "study": study.id, "year": study.year, "synthetic": bool(study.synthetic),
                "products": products}

    return _cached("declarations", url, factory_id, "study", compute, files_key(factory_id, ("footprint",)))


def _per_kwh(x: str) -> dict[str, str | None]:
    return fig(Decimal(x), 4)


def _both(key: str, **kw: Any) -> dict[str, str]:
    from zerocarbon.reports.messages_battery import bl

    return {lang: bl(key, lang).format(**kw) if kw else bl(key, lang) for lang in ("zh", "en")}


def _energy_basis(fu: dict[str, Any]) -> dict[str, str]:
    f = fu.get("draft_formula")
    if not f:
        return {"zh": fu["basis"], "en": fu["basis"]}
    return _both("eu.draft_formula", usable=f["usable_energy_kWh"], feqc=f["feqc_per_year"], cat=f["vehicle_category"],
                 years=f["service_life_years"], total=fu["total_energy_kWh"])


def _cn_view(form: dict[str, Any], base: str) -> dict[str, Any]:
    return {"stages": [{"stage": s["stage"], "label": {"zh": s["zh"], "en": s["en"]},
                        "kgco2e_per_kwh": _per_kwh(s["kgCO2e_per_kWh"]), "value": float(s["kgCO2e_per_kWh"])}
                       for s in form["stages"]],
            "total": _per_kwh(form["declared_kgCO2e_per_kWh"]), "phase": form["phase"],
            "lifetime_energy_kwh": fig(Decimal(form["lifetime_energy_kWh"]), 0),
            "lifetime_energy_basis": form["lifetime_energy_basis"], "source": form["source"],
            "unknowns": [{"zh": zh, "en": en} for zh, en in zip(CN_UNKNOWN_ZH,
                                                                 form["rules_not_published_or_not_found"],
                                                                 strict=True)],
            "downloads": {fmt: f"{base}/cn.{fmt}" for fmt in FORMATS["cn"]}}


def _eu_view(form: dict[str, Any], base: str) -> dict[str, Any]:
    return {"stages": [{"stage": s["stage"], "label": {"zh": s["zh"], "en": s["en"]},
                        "kgco2e_per_kwh": _per_kwh(s["kgCO2e_per_kWh"]), "value": float(s["kgCO2e_per_kWh"])}
                       for s in form["e_stages"]],
            "total": _per_kwh(form["d_carbon_footprint_kgCO2e_per_kWh"]), "category": form["category"],
            "total_energy_kwh": fig(Decimal(form["functional_unit"]["total_energy_kWh"]), 0),
            "total_energy_basis": _energy_basis(form["functional_unit"]),
            "methodology_status": form["methodology_status"], "methodology": _both("eu.methodology_text"),
            "complete": form["complete"], "missing": list(form["missing"]), "warnings": list(form["warnings"]),
            "unknowns": [_both(f"eu.unknown.{i}") for i in range(len(form["rules_not_adopted_or_not_verified"]))],
            "source": form["source"],
            "plant": form["c_plant"]["name"], "model": form["b_model"],
            "downloads": {fmt: f"{base}/eu.{fmt}" for fmt in FORMATS["eu"]}}


def declarations(factory_id: str, url: str | None = None) -> dict[str, Any]:
    """The page's view: per product, the China and EU declarations' stages [kgCO2e/kWh], totals, status,
    incompleteness and what is not adopted, and their download paths (under ``/api/v1``)."""
    _factory_row(factory_id, url)
    forms = _study_forms(factory_id, url)
    if forms is None:
        return {"factory": factory_id, "available": False, "expected_file": f"{factory_id}.footprint.yaml"}
    out = []
    for p in forms["products"]:
        base = f"/api/v1/factories/{factory_id}/footprints/declarations/{p['id']}"
        out.append({"id": p["id"], "name": p["name"],
                    "cn": _cn_view(p["cn"], base) if p["cn"] else None,
                    "eu": _eu_view(p["eu"], base) if p["eu"] else None})
    return {"factory": factory_id, "available": True, "file": forms["file"], "study": forms["study"],
            "year": forms["year"], "synthetic": forms["synthetic"], "products": out}


def _not_found(what_zh: str, what_en: str, field: str) -> InputError:
    return InputError(f"没有{what_zh}", f"there is no {what_en}", field=field, expected="see the declarations list")


def declaration_file(factory_id: str, product: str, scheme: str, fmt: str, lang: str = "zh",
                     url: str | None = None) -> tuple[bytes, str, str]:
    """(content, media type, file name) of one declaration in ``fmt`` — the CLI's files, made by the same
    builders (``json``: the form; ``html``/``pdf``: :func:`zerocarbon.reports.battery_declaration.render_declaration`).

    Raises
    ------
    InputError
        ``field`` ``declaration`` when the factory has no study, the product no such declaration, or the
        declaration is not offered in ``fmt`` (the API answers 404).
    """
    _factory_row(factory_id, url)
    forms = _study_forms(factory_id, url)
    if forms is None:
        raise _not_found(f"足迹研究文件 {factory_id}.footprint.yaml", f"footprint study {factory_id}.footprint.yaml",
                         "declaration")
    item = next((p for p in forms["products"] if p["id"] == product), None)
    form = item.get(scheme) if item else None
    if item is None or form is None:
        raise _not_found(f"产品 {product} 的{'中国' if scheme == 'cn' else '欧盟'}电池碳足迹声明",
                         f"{scheme.upper()} battery declaration of product {product}", "declaration")
    if fmt not in FORMATS[scheme]:
        raise _not_found(f"该声明的 {fmt} 文件", f"{fmt} file of this declaration", "declaration")
    code = "en" if lang == "en" else "zh"
    if fmt == "json":
        name = f"battery_declaration_{'eu_' if scheme == 'eu' else ''}{product}.json"
        body = json.dumps(form, ensure_ascii=False, indent=2, default=str) + "\n"
        return body.encode("utf-8"), MEDIA[fmt], name
    from zerocarbon.reports.battery_declaration import declaration_filename, declaration_page, render_declaration

    title = item["name"][code]
    if fmt == "html":
        return (declaration_page(form, title, code).encode("utf-8"), MEDIA[fmt],
                declaration_filename(product, code))
    with tempfile.TemporaryDirectory(prefix="zerocarbon-declaration-") as tmp:
        files = render_declaration(form, product, title, Path(tmp), code, pdf=True)
        pdf = next(f for f in files if f.suffix == ".pdf")
        return pdf.read_bytes(), MEDIA[fmt], pdf.name
