"""Resolving the places an import row names, by code or by name, once per import."""

from __future__ import annotations

from homecoming.core.tabular import RowReader
from homecoming.core.text import fold
from homecoming.places.models import Area, Settlement


class PlaceLookup:
    """Districts and settlements by code and by any of their names (any case or accent)."""

    def __init__(self) -> None:
        self._districts: dict[str, list[Area]] = {}
        self._settlements: dict[str, list[Settlement]] = {}
        for district in Area.objects.filter(level=Area.Level.DISTRICT):
            for key in {district.code.lower(), fold(district.name), fold(district.name_az)} - {""}:
                self._districts.setdefault(key, []).append(district)
        for s in Settlement.objects.select_related("district"):
            for key in {s.code.lower(), fold(s.name), fold(s.name_az)} - {""}:
                self._settlements.setdefault(key, []).append(s)

    def district(self, reader: RowReader, column: str, *, required: bool = True) -> Area | None:
        ref = reader.text(column, required=required)
        if not ref:
            return None
        return self._one(reader, column, ref, self._districts.get(fold(ref), []), "district")

    def settlement(
        self,
        reader: RowReader,
        column: str,
        *,
        district: Area | None = None,
        ref: str = "",
        required: bool = True,
    ) -> Settlement | None:
        """The settlement the cell names; None, with an error recorded, when it names none
        (or is empty and ``required``), so that a caller never mistakes None for a place."""
        ref = ref or reader.text(column, required=required)
        if not ref:
            return None
        found = self._settlements.get(fold(ref), [])
        if district is not None:
            found = [s for s in found if s.district_id == district.pk]
        return self._one(reader, column, ref, found, "settlement")

    def settlements(self, reader: RowReader, column: str, *, district: Area | None) -> list:
        refs = [r.strip() for r in reader.text(column, max_length=2000).split(";") if r.strip()]
        return [s for r in refs if (s := self.settlement(reader, column, district=district, ref=r))]

    @staticmethod
    def _one(reader: RowReader, column: str, ref: str, found: list, kind: str):
        if len(found) == 1:
            return found[0]
        if found:
            codes = ", ".join(sorted(p.code for p in found))
            reader.error(column, f"{ref!r} names several places ({codes}); give the code")
        else:
            reader.error(column, f"no {kind} {ref!r} in the places register")
        return None
