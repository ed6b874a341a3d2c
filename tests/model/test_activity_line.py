"""An activity line carries the meters it was read from (``ActivityLine.meters``)."""

from __future__ import annotations

from zerocarbon.model.inventory_input import ActivityLine

BASE = {"id": "EL-L1-2023-01", "facility": "L1", "category": "electricity_purchased", "amount": "12.5",
        "unit": "MWh", "period": "2023-01"}


def test_a_declared_line_has_no_meters_and_dumps_as_before() -> None:
    line = ActivityLine.model_validate(BASE)
    assert line.meters == ()
    assert "meters" not in line.model_dump() and "meters" not in line.model_dump(mode="json")
    assert '"meters"' not in line.model_dump_json()


def test_a_metered_line_names_its_meters_and_keeps_them_through_a_round_trip() -> None:
    line = ActivityLine.model_validate({**BASE, "meters": ["EL-L1"]})
    assert line.meters == ("EL-L1",)
    assert line.model_dump(mode="json")["meters"] == ["EL-L1"]
    assert ActivityLine.model_validate(line.model_dump()) == line
    assert "meters" not in line.model_dump(mode="json", exclude={"meters"})


def test_the_meter_code_is_not_read_from_the_line_id() -> None:
    """A meter code with dashes and a line id of any form: the field says which meter it was."""
    line = ActivityLine.model_validate({**BASE, "id": "anything", "meters": ["NG-UT-2"]})
    assert line.meters == ("NG-UT-2",)
