"""The thematic layer catalogue (fields, enumerations) and read access to the layer tables."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Literal

import geopandas as gpd
import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from walouja.errors import DataError, NotFoundError

Kind = Literal["text", "int", "number", "date", "bool", "enum", "enum_list", "gtfs_wheelchair"]

CENTRE_TYPES = ("COAPH", "CAS", "CAPE", "EMF", "CJPA", "EPS", "other")
CENTRE_STATUSES = ("operating", "under_construction", "planned", "closed")
SERVICES = (
    "orientation",
    "paramedical",
    "medical",
    "education",
    "vocational_training",
    "day_care",
    "residential",
    "early_intervention",
    "social_support",
    "sport_leisure",
)
STAGES = ("diagnostic_study", "convention_signed", "works_under_way", "completed")
MODES = ("bus", "tram", "train", "coach", "brt")
WHEELCHAIR = ("yes", "limited", "no")
KERBS = ("raised", "lowered", "flush", "no")
COASTS = ("atlantic", "mediterranean")

# Spellings users write for enumerated values (keys are normalised: lower case, no accents,
# single spaces); values are the stored codes.
ALIASES: dict[str, dict[str, str]] = {
    "centre_type": {
        **{t.lower(): t for t in CENTRE_TYPES},
        "autre": "other",
        "آخر": "other",
        "etablissement de protection sociale": "EPS",
        "esp": "EPS",
    },
    "status": {
        "operating": "operating",
        "open": "operating",
        "en service": "operating",
        "operationnel": "operating",
        "fonctionnel": "operating",
        "under construction": "under_construction",
        "under_construction": "under_construction",
        "en construction": "under_construction",
        "en cours de construction": "under_construction",
        "planned": "planned",
        "prevu": "planned",
        "programme": "planned",
        "closed": "closed",
        "ferme": "closed",
        # as officers write them in French and Arabic (the labels « en activité », « في طور
        # الاشتغال »… are read too: geo.validate.value_aliases)
        "actif": "operating",
        "active": "operating",
        "ouvert": "operating",
        "en fonctionnement": "operating",
        "يشتغل": "operating",
        "عامل": "operating",
        "مفتوح": "operating",
        "en travaux": "under_construction",
        "قيد الإنشاء": "under_construction",
        "قيد البناء": "under_construction",
        "في طور الإنجاز": "under_construction",
        "planifie": "planned",
        "en projet": "planned",
        "projete": "planned",
        "مخطط": "planned",
        "fermee": "closed",
        "مغلقة": "closed",
    },
    "stage": {
        "diagnostic_study": "diagnostic_study",
        "diagnostic study": "diagnostic_study",
        "etude diagnostique": "diagnostic_study",
        "diagnostic": "diagnostic_study",
        "convention_signed": "convention_signed",
        "convention signed": "convention_signed",
        "convention signee": "convention_signed",
        "convention": "convention_signed",
        "works_under_way": "works_under_way",
        "works under way": "works_under_way",
        "travaux en cours": "works_under_way",
        "completed": "completed",
        "acheve": "completed",
        "termine": "completed",
    },
    "mode": {
        "bus": "bus",
        "autobus": "bus",
        "tram": "tram",
        "tramway": "tram",
        "train": "train",
        "rail": "train",
        "railway": "train",
        "coach": "coach",
        "autocar": "coach",
        "car": "coach",
        "brt": "brt",
        "busway": "brt",
        "bhns": "brt",
    },
    "services": {
        **{s: s for s in SERVICES},
        **{s.replace("_", " "): s for s in SERVICES},
        "paramedical care": "paramedical",
        "formation professionnelle": "vocational_training",
        "accueil de jour": "day_care",
        "hebergement": "residential",
        "education": "education",
        "scolarisation": "education",
        "intervention precoce": "early_intervention",
        # as a register kept in Arabic writes them
        "توجيه": "orientation",
        "شبه طبي": "paramedical",
        "طبي": "medical",
        "تعليم": "education",
        "تمدرس": "education",
        "تكوين مهني": "vocational_training",
        "استقبال نهاري": "day_care",
        "إيواء": "residential",
        "تدخل مبكر": "early_intervention",
        "دعم اجتماعي": "social_support",
        "رياضة وترفيه": "sport_leisure",
    },
    "wheelchair": {
        "yes": "yes",
        "limited": "limited",
        "no": "no",
        "oui": "yes",
        "non": "no",
        "partiel": "limited",
        "partiellement": "limited",
        "limite": "limited",
        "نعم": "yes",
        "لا": "no",
        "جزئيا": "limited",
        "محدود": "limited",
    },
    "kerb": {k: k for k in KERBS},
    "coast": {
        "atlantic": "atlantic",
        "atlantique": "atlantic",
        "mediterranean": "mediterranean",
        "mediterranee": "mediterranean",
        "الأطلسي": "atlantic",
        "المحيط الأطلسي": "atlantic",
        "المتوسط": "mediterranean",
        "البحر المتوسط": "mediterranean",
        "البحر الأبيض المتوسط": "mediterranean",
    },
}


@dataclass(frozen=True)
class FieldSpec:
    """One importable column of a layer.

    Parameters
    ----------
    name
        Column name in the table.
    kind
        How text from a file is parsed.
    required
        Whether a row without a value is rejected.
    choices
        Allowed stored values for ``enum`` and ``enum_list`` kinds.
    default
        Value used when the file has no value (None: NULL or the column default).
    """

    name: str
    kind: Kind = "text"
    required: bool = False
    choices: tuple[str, ...] = ()
    default: Any = None
    minimum: float | None = None


@dataclass(frozen=True)
class LayerSpec:
    """A thematic layer: its table, title, fields and the field that gives a row's type."""

    name: str
    title: str
    fields: tuple[FieldSpec, ...]
    type_field: str | None = None
    aliases: Mapping[str, str] = field(default_factory=dict)

    @property
    def table(self) -> str:
        """The table name (identical to the layer name, checked against this catalogue)."""
        return self.name

    @property
    def field_names(self) -> list[str]:
        """Names of the importable columns, in table order."""
        return [f.name for f in self.fields]

    def field(self, name: str) -> FieldSpec:
        """The field called ``name``."""
        for spec in self.fields:
            if spec.name == name:
                return spec
        raise NotFoundError(f"layer {self.name} has no field {name!r}")


_COMMON_ALIASES = {
    "nom": "name",
    "name_fr": "name",
    "nom_fr": "name",
    "libelle": "name",
    "nom_ar": "name_ar",
    "name:ar": "name_ar",
    "nom_arabe": "name_ar",
    "nom_en_arabe": "name_ar",
    "arabic_name": "name_ar",
    "name_arabic": "name_ar",
    "الاسم_بالعربية": "name_ar",
    "الاسم_بالعربي": "name_ar",
    "الاسم_العربي": "name_ar",
    "الاسم": "name_ar",
    "id": "external_id",
    "identifiant": "external_id",
    "remarques": "notes",
    "note": "notes",
    "license": "licence",
}

_NAME = (FieldSpec("name", required=True), FieldSpec("name_ar"))
_NOTES = (FieldSpec("notes"),)

LAYERS: dict[str, LayerSpec] = {
    "centres": LayerSpec(
        name="centres",
        title="Centres for persons with disabilities",
        fields=(
            *_NAME,
            FieldSpec("centre_type", "enum", required=True, choices=CENTRE_TYPES),
            FieldSpec("capacity", "int", minimum=0),
            FieldSpec("services", "enum_list", choices=SERVICES, default=()),
            FieldSpec("status", "enum", choices=CENTRE_STATUSES, default="operating"),
            FieldSpec("opened", "date"),
            FieldSpec("manager"),
            FieldSpec("wheelchair", "enum", choices=WHEELCHAIR),
            *_NOTES,
        ),
        type_field="centre_type",
        aliases={
            **_COMMON_ALIASES,
            "type": "centre_type",
            "type_centre": "centre_type",
            "capacite": "capacity",
            "places": "capacity",
            "statut": "status",
            "gestionnaire": "manager",
            "operator": "manager",
            "date_ouverture": "opened",
            "ouverture": "opened",
        },
    ),
    "accessible_cities": LayerSpec(
        name="accessible_cities",
        title="Accessible Cities programme",
        fields=(
            *_NAME,
            FieldSpec("stage", "enum", required=True, choices=STAGES),
            FieldSpec("diagnostic_study", "bool", default=False),
            FieldSpec("convention_date", "date"),
            FieldSpec("start_year", "int", minimum=1990),
            FieldSpec("end_year", "int", minimum=1990),
            FieldSpec("commitments"),
            FieldSpec("budget_mad", "number", minimum=0),
            FieldSpec("partners"),
            *_NOTES,
        ),
        aliases={
            **_COMMON_ALIASES,
            "ville": "name",
            "city": "name",
            "etape": "stage",
            "date_convention": "convention_date",
            "budget": "budget_mad",
            "engagements": "commitments",
            "partenaires": "partners",
        },
    ),
    "transport_stops": LayerSpec(
        name="transport_stops",
        title="Public transport stops and stations",
        fields=(
            *_NAME,
            FieldSpec("mode", "enum", required=True, choices=MODES),
            FieldSpec("operator"),
            FieldSpec("wheelchair_boarding", "gtfs_wheelchair", default=0),
            FieldSpec("step_free", "bool"),
            FieldSpec("raised_platform", "bool"),
            FieldSpec("tactile_paving", "bool"),
            FieldSpec("audio_info", "bool"),
            FieldSpec("visual_info", "bool"),
            FieldSpec("kerb", "enum", choices=KERBS),
            *_NOTES,
        ),
        type_field="mode",
        aliases={
            **_COMMON_ALIASES,
            "stop_name": "name",
            "stop_id": "external_id",
            "operateur": "operator",
            "wheelchair": "wheelchair_boarding",
            "route_type": "mode",
        },
    ),
    "beaches": LayerSpec(
        name="beaches",
        title="Beaches and their accessibility equipment",
        fields=(
            *_NAME,
            FieldSpec("coast", "enum", choices=COASTS),
            FieldSpec("season"),
            FieldSpec("walkway_to_water", "bool", default=False),
            FieldSpec("amphibious_chair", "bool", default=False),
            FieldSpec("adapted_wc", "bool", default=False),
            FieldSpec("adapted_shower", "bool", default=False),
            FieldSpec("reserved_parking", "bool", default=False),
            FieldSpec("shade", "bool", default=False),
            FieldSpec("trained_staff", "bool", default=False),
            FieldSpec("blue_flag", "bool", default=False),
            FieldSpec("wheelchair", "enum", choices=WHEELCHAIR),
            *_NOTES,
        ),
        aliases={
            **_COMMON_ALIASES,
            "plage": "name",
            "pavillon_bleu": "blue_flag",
            "saison": "season",
            "cote": "coast",
        },
    ),
}


def get_layer(name: str) -> LayerSpec:
    """The layer called ``name`` (``NotFoundError`` listing the known layers otherwise)."""
    spec = LAYERS.get(name.strip().lower().replace("-", "_"))
    if spec is None:
        raise NotFoundError(
            f"unknown layer {name!r}", hint=f"choose one of: {', '.join(sorted(LAYERS))}"
        )
    return spec


@dataclass(frozen=True)
class LayerSummary:
    """One line of ``walouja layers``."""

    layer: str
    title: str
    rows: int
    demo_rows: int
    without_commune: int
    source: str | None
    licence: str | None
    is_demo: bool | None
    last_change: str | None

    def as_dict(self) -> dict[str, Any]:
        """Plain JSON-able values."""
        return dict(self.__dict__)


def list_layers(conn: Connection) -> list[LayerSummary]:
    """Row counts and provenance of every thematic layer.

    A layer fed from several sources lists them all (``; ``-separated, real data first) with
    their licences; ``is_demo`` is true only when every source is demonstration data.
    """
    out: list[LayerSummary] = []
    for spec in LAYERS.values():
        counts = (
            conn.execute(
                sa.text(
                    f"SELECT count(*) AS n, count(*) FILTER (WHERE is_demo) AS demo, "
                    f"count(*) FILTER (WHERE commune_code IS NULL) AS nocommune, "
                    f"max(updated_at)::text AS last FROM {spec.table}"
                )
            )
            .mappings()
            .one()
        )
        parts = (
            conn.execute(
                sa.text(
                    "SELECT source, licence, is_demo FROM layer_sources WHERE layer = :l "
                    "ORDER BY is_demo, loaded_at, row_source"
                ),
                {"l": spec.name},
            )
            .mappings()
            .all()
        )
        out.append(
            LayerSummary(
                layer=spec.name,
                title=spec.title,
                rows=int(counts["n"]),
                demo_rows=int(counts["demo"]),
                without_commune=int(counts["nocommune"]),
                source="; ".join(p["source"] for p in parts) if parts else None,
                licence="; ".join(dict.fromkeys(p["licence"] for p in parts)) if parts else None,
                is_demo=all(p["is_demo"] for p in parts) if parts else None,
                last_change=counts["last"],
            )
        )
    return out


@dataclass(frozen=True)
class LayerFilter:
    """A subset of a layer: equality on enumerated fields, commune/province/region codes."""

    equals: Mapping[str, Sequence[str]] = field(default_factory=dict)
    commune_codes: Sequence[str] = ()
    province_code: str | None = None
    region_code: str | None = None
    is_demo: bool | None = None
    bbox: tuple[float, float, float, float] | None = None


_BOOL_WORDS = "yes/no, true/false, 1/0, oui/non"
_WHEELCHAIR_WORDS = "yes, limited, no, unknown (or the GTFS codes 1, 2, 0)"


def _stored_values(spec: LayerSpec, fspec: FieldSpec, values: Sequence[str]) -> list[Any]:
    """``values`` of a filter on ``fspec`` as stored, read as an import reads them.

    Enumerations take the stored codes in any case and the importer's other spellings
    (``oui``, ``tramway``, and the app's labels: ``en activité``, ``في طور البناء``...);
    booleans and GTFS wheelchair codes the importer's words.
    Other kinds are compared as text. A ``DataError`` lists the accepted values otherwise.
    """
    from geo.validate import WHEELCHAIR_CODES, normalise_key, parse_bool, value_aliases

    if fspec.kind in ("enum", "enum_list"):
        # as an import reads them: a file and a filter of the same words select alike
        known = dict(value_aliases(fspec.name))
        known |= {normalise_key(c): c for c in fspec.choices}
        parse: Any = known.get
        accepted = ", ".join(fspec.choices)
    elif fspec.kind == "bool":
        parse, accepted = parse_bool, _BOOL_WORDS
    elif fspec.kind == "gtfs_wheelchair":
        parse, accepted = WHEELCHAIR_CODES.get, _WHEELCHAIR_WORDS
    elif fspec.kind in ("int", "number"):
        # compared as numbers: "capacity=abc" selected nothing, and said nothing, and
        # "capacity=40.0" missed the rows stored as 40
        numbers: list[float] = []
        for value in values:
            try:
                number = float(value.strip().replace(",", "."))
            except ValueError:
                number = math.nan
            if not math.isfinite(number):
                raise DataError(
                    f"{spec.name}: {fspec.name} is a number, not {value!r}",
                    hint=f"give a number, for example --where {fspec.name}=40",
                )
            numbers.append(number)
        return sorted(set(numbers))
    else:
        return list(values)
    out: list[Any] = []
    for value in values:
        stored = parse(normalise_key(value))
        if stored is None:
            raise DataError(
                f"{spec.name}: {fspec.name} has no value {value!r}",
                hint=f"choose among {accepted}",
            )
        out.append(stored)
    return sorted(set(out), key=str)


def check_bbox(box: Sequence[float]) -> tuple[float, float, float, float]:
    """``box`` (west, south, east, north in degrees) if it is a box that meets Morocco.

    A box outside Morocco selects nothing, and an empty export looks like a layer without
    rows there; the usual cause is latitude and longitude swapped, which the error says.

    Raises
    ------
    DataError
        Not four finite numbers, west not below east or south not below north, or a box
        that does not meet Morocco's extent (``geo.validate.BBOX``).
    """
    from geo.validate import BBOX

    order = "west,south,east,north (lon0,lat0,lon1,lat1) in decimal degrees"
    example = "for example -7.0,33.9,-6.7,34.1 around Rabat"
    values = tuple(float(v) for v in box)
    shown = ",".join(f"{v:g}" for v in values)
    if len(values) != 4 or not all(math.isfinite(v) for v in values):
        raise DataError(f"the box {shown} is not four numbers", hint=f"give {order}")
    west, south, east, north = values
    if not (west < east and south < north):
        raise DataError(
            f"the box {shown} is empty: west must be less than east and south less than north",
            hint=f"give {order}, {example}",
        )

    def meets(w: float, s: float, e: float, n: float) -> bool:
        return w <= BBOX[2] and e >= BBOX[0] and s <= BBOX[3] and n >= BBOX[1]

    if not meets(west, south, east, north):
        swapped = meets(south, west, north, east)
        raise DataError(
            f"the box {shown} lies outside Morocco"
            + (" (latitude and longitude look swapped)" if swapped else ""),
            hint=f"give {order}, {example}",
        )
    return west, south, east, north


def _checked_filter(conn: Connection, spec: LayerSpec, flt: LayerFilter) -> LayerFilter:
    """``flt`` with enumerated values spelt as stored; a ``DataError`` for unknown ones.

    A misspelt type or code would otherwise select nothing, and an empty export looks like a
    layer without such rows.
    """
    equals: dict[str, list[Any]] = {}
    for name, values in flt.equals.items():
        fspec = spec.field(name) if name in spec.field_names else None
        equals[name] = list(values) if fspec is None else _stored_values(spec, fspec, values)
    areas = (
        ("commune", "code", list(flt.commune_codes)),
        ("province", "province_code", [flt.province_code] if flt.province_code else []),
        ("region", "region_code", [flt.region_code] if flt.region_code else []),
    )
    for what, column, codes in areas:
        if not codes:
            continue
        known = set(
            conn.execute(
                sa.text(f"SELECT DISTINCT {column} FROM communes WHERE {column} = ANY(:codes)"),
                {"codes": codes},
            ).scalars()
        )
        missing = [c for c in codes if c not in known]
        if missing:
            raise DataError(
                f"there is no {what} with the code {missing[0]!r}",
                hint=f"{what} codes are the HCP's (for example "
                + {"commune": "01.051.01.01", "province": "01.051", "region": "01"}[what]
                + ")",
            )
    if flt.province_code and flt.region_code:
        inside = conn.execute(
            sa.text(
                "SELECT EXISTS (SELECT 1 FROM communes "
                "WHERE province_code = :p AND region_code = :r)"
            ),
            {"p": flt.province_code, "r": flt.region_code},
        ).scalar_one()
        if not inside:
            raise DataError(
                f"the province {flt.province_code!r} is not in the region {flt.region_code!r}",
                hint="give the province alone, or a province of that region",
            )
    box = None if flt.bbox is None else check_bbox(flt.bbox)
    return replace(flt, equals=equals, bbox=box)


def _filter_sql(spec: LayerSpec, flt: LayerFilter | None) -> tuple[str, dict[str, Any]]:
    if flt is None:
        return "", {}
    clauses: list[str] = []
    params: dict[str, Any] = {}
    for i, (name, values) in enumerate(flt.equals.items()):
        if name not in spec.field_names and name not in ("external_id", "source"):
            raise DataError(
                f"cannot filter {spec.name} on {name!r}",
                hint=f"fields: {', '.join(spec.field_names)}",
            )
        kind = spec.field(name).kind if name in spec.field_names else "text"
        if kind == "enum_list":  # rows whose list holds any of the values
            clauses.append(f"t.{name} && CAST(:v{i} AS text[])")
        elif kind in ("bool", "gtfs_wheelchair", "int", "number"):  # parsed by _checked_filter
            clauses.append(f"t.{name} = ANY(:v{i})")
        else:
            clauses.append(f"t.{name}::text = ANY(:v{i})")
        params[f"v{i}"] = list(values)
    if flt.commune_codes:
        clauses.append("t.commune_code = ANY(:communes)")
        params["communes"] = list(flt.commune_codes)
    for col, code in (("province_code", flt.province_code), ("region_code", flt.region_code)):
        if code is not None:
            clauses.append(f"t.commune_code IN (SELECT code FROM communes WHERE {col} = :{col})")
            params[col] = code
    if flt.is_demo is not None:
        clauses.append("t.is_demo = :is_demo")
        params["is_demo"] = flt.is_demo
    if flt.bbox is not None:
        clauses.append("t.geom && ST_MakeEnvelope(:x0, :y0, :x1, :y1, 4326)")
        params.update(dict(zip(("x0", "y0", "x1", "y1"), flt.bbox, strict=True)))
    return (" WHERE " + " AND ".join(clauses)) if clauses else "", params


def read_layer(
    conn: Connection, layer: str, *, where: LayerFilter | None = None
) -> gpd.GeoDataFrame:
    """A layer (or a filtered subset) as a GeoDataFrame in EPSG:4326, ordered by id."""
    spec = get_layer(layer)
    if where is not None:
        where = _checked_filter(conn, spec, where)
    clause, params = _filter_sql(spec, where)
    cols = ", ".join(f"t.{c}" for c in spec.field_names)
    sql = (
        f"SELECT t.id, t.external_id, {cols}, t.commune_code, t.source, t.is_demo, "
        f"t.created_at, t.updated_at, t.geom FROM {spec.table} t{clause} ORDER BY t.id"
    )
    frame = gpd.read_postgis(sa.text(sql), conn, geom_col="geom", params=params)
    if frame.crs is None:
        frame = frame.set_crs(4326)
    for fspec in spec.fields:
        if fspec.kind in ("int", "gtfs_wheelchair"):
            frame[fspec.name] = frame[fspec.name].astype("Int64")
    return frame


def history(conn: Connection, layer: str, *, limit: int = 100) -> pd.DataFrame:
    """The latest changes to a layer, newest first."""
    spec = get_layer(layer)
    return pd.read_sql(
        sa.text(
            "SELECT id, row_id, external_id, operation, changed_at, changed_by, old_row, "
            "new_row FROM layer_history WHERE layer = :l ORDER BY id DESC LIMIT :n"
        ),
        conn,
        params={"l": spec.table, "n": limit},
    )


def rederive_communes(conn: Connection) -> dict[str, int]:
    """Recompute ``commune_code`` of every layer row (after the communes were reloaded).

    Returns the number of rows whose commune changed, per layer.
    """
    changed: dict[str, int] = {}
    for spec in LAYERS.values():
        result = conn.execute(
            sa.text(
                f"UPDATE {spec.table} SET commune_code = walouja_commune_at(geom) "
                "WHERE commune_code IS DISTINCT FROM walouja_commune_at(geom)"
            )
        )
        changed[spec.name] = int(result.rowcount or 0)
    return changed


def record_source(
    conn: Connection,
    layer: str,
    *,
    title: str,
    source: str,
    licence: str,
    is_demo: bool,
    url: str | None = None,
    attribution: str | None = None,
    notes: str | None = None,
    row_source: str | None = None,
    rows_changed: bool = True,
) -> None:
    """Insert or update the provenance of one source of a layer (``layer_sources``).

    A layer has one entry per source of its rows: ``row_source`` is the value of the rows'
    ``source`` column the entry describes (default: ``source``), so demonstration rows and
    imported ones each keep their licence and demo mark. An update that gives no ``url``,
    ``attribution`` or ``notes`` keeps the recorded ones (an import knows none of them).

    ``loaded_at`` becomes now when ``rows_changed`` or when the entry is new or its
    description changes; a reload that changed nothing (``rows_changed=False``) leaves the
    entry as it was, so its load date stays the date the rows were loaded.
    """
    conn.execute(
        sa.text(
            "INSERT INTO layer_sources (layer, row_source, title, source, licence, url, "
            "attribution, is_demo, notes, loaded_at) VALUES (:layer, :row_source, :title, "
            ":source, :licence, :url, :attribution, :is_demo, :notes, now()) "
            "ON CONFLICT (layer, row_source) DO UPDATE SET "
            "title = EXCLUDED.title, source = EXCLUDED.source, licence = EXCLUDED.licence, "
            "url = COALESCE(EXCLUDED.url, layer_sources.url), "
            "attribution = COALESCE(EXCLUDED.attribution, layer_sources.attribution), "
            "is_demo = EXCLUDED.is_demo, notes = COALESCE(EXCLUDED.notes, layer_sources.notes), "
            "loaded_at = now() "
            "WHERE CAST(:rows_changed AS boolean) OR ("
            "layer_sources.title, layer_sources.source, layer_sources.licence, "
            "layer_sources.url, layer_sources.attribution, layer_sources.is_demo, "
            "layer_sources.notes) IS DISTINCT FROM (EXCLUDED.title, EXCLUDED.source, "
            "EXCLUDED.licence, COALESCE(EXCLUDED.url, layer_sources.url), "
            "COALESCE(EXCLUDED.attribution, layer_sources.attribution), EXCLUDED.is_demo, "
            "COALESCE(EXCLUDED.notes, layer_sources.notes))"
        ),
        {
            "layer": get_layer(layer).name,
            "row_source": source if row_source is None else row_source,
            "title": title,
            "source": source,
            "licence": licence,
            "url": url,
            "attribution": attribution,
            "is_demo": is_demo,
            "notes": notes,
            "rows_changed": rows_changed,
        },
    )


def source_licences(conn: Connection, layer: str) -> dict[str, str]:
    """The licence of each source of ``layer``'s rows: ``{row source: licence}`` from
    ``layer_sources`` (a row's ``source`` column names its entry)."""
    rows = conn.execute(
        sa.text("SELECT row_source, licence FROM layer_sources WHERE layer = :l"),
        {"l": get_layer(layer).name},
    )
    return {str(name): str(licence) for name, licence in rows}


def prune_sources(conn: Connection) -> int:
    """Drop the provenance entries of thematic layers that no row comes from any more.

    Returns the number of entries removed (an import that replaced every demonstration
    row, for example, removes the demonstration entry).
    """
    removed = 0
    for spec in LAYERS.values():
        result = conn.execute(
            sa.text(
                f"DELETE FROM layer_sources s WHERE s.layer = :l AND NOT EXISTS "
                f"(SELECT 1 FROM {spec.table} t WHERE t.source = s.row_source)"
            ),
            {"l": spec.name},
        )
        removed += int(result.rowcount or 0)
    return removed
