"""Write the committed demonstration files under data/demo/ (deterministic: seeded, no network).

Run: .venv/bin/python scripts/make_demo_data.py

- accessible_cities.csv: public facts about the Accessible Cities programme (the diagnostic
  study cities, the Fès 2019, Tiznit 2021 and Boujdour 2023 conventions, the Marrakech pilot
  2012-2016), placed at each city's centre. Not demonstration data (``is_demo`` false), but
  budgets and commitments are left empty because they are not public.
- beaches.csv: real Moroccan beaches on both coasts at approximate positions; their equipment
  and Blue Flag status are invented (demonstration).
- transport_stops.csv: the railway stations and coach stations of the programme's cities at
  approximate real positions, a few tram (Salé) and BRT (Agadir/Inezgane, Marrakech) stops,
  and invented bus stops around each city centre; all accessibility attributes are invented
  (demonstration).

Centres are not here: ``geo.demo`` places them at load time inside the communes, weighted by
population, because that needs the commune polygons in the database.
"""

from __future__ import annotations

import csv
import math
from pathlib import Path

import numpy as np

OUT = Path(__file__).resolve().parents[1] / "data" / "demo"
SEED = 20240904

# name, name_ar, lat, lon, stage, diagnostic study, convention date, start, end, notes
CITIES = [
    (
        "Fès",
        "فاس",
        34.0331,
        -5.0003,
        "convention_signed",
        True,
        "2019-01-01",
        2019,
        None,
        "diagnostic study city; convention signed in 2019 (year known, day not recorded)",
    ),
    (
        "Meknès",
        "مكناس",
        33.8935,
        -5.5473,
        "diagnostic_study",
        True,
        None,
        None,
        None,
        "diagnostic study city",
    ),
    (
        "Taza",
        "تازة",
        34.2200,
        -4.0100,
        "diagnostic_study",
        True,
        None,
        None,
        None,
        "diagnostic study city",
    ),
    (
        "El Jadida",
        "الجديدة",
        33.2440,
        -8.5020,
        "diagnostic_study",
        True,
        None,
        None,
        None,
        "diagnostic study city",
    ),
    (
        "Kénitra",
        "القنيطرة",
        34.2610,
        -6.5780,
        "diagnostic_study",
        True,
        None,
        None,
        None,
        "diagnostic study city",
    ),
    (
        "Agadir",
        "أكادير",
        30.4200,
        -9.5850,
        "diagnostic_study",
        True,
        None,
        None,
        None,
        "diagnostic study city",
    ),
    (
        "Salé",
        "سلا",
        34.0380,
        -6.7950,
        "diagnostic_study",
        True,
        None,
        None,
        None,
        "diagnostic study city",
    ),
    (
        "Béni Mellal",
        "بني ملال",
        32.3373,
        -6.3498,
        "diagnostic_study",
        True,
        None,
        None,
        None,
        "diagnostic study city",
    ),
    (
        "Inezgane",
        "إنزكان",
        30.3560,
        -9.5430,
        "diagnostic_study",
        True,
        None,
        None,
        None,
        "diagnostic study city",
    ),
    (
        "Tiznit",
        "تيزنيت",
        29.6974,
        -9.7316,
        "convention_signed",
        False,
        "2021-01-01",
        2021,
        None,
        "convention signed in 2021 (year known, day not recorded)",
    ),
    (
        "Boujdour",
        "بوجدور",
        26.1258,
        -14.4840,
        "convention_signed",
        False,
        "2023-01-01",
        2023,
        None,
        "convention signed in 2023 (year known, day not recorded)",
    ),
    (
        "Marrakech",
        "مراكش",
        31.6295,
        -7.9811,
        "completed",
        False,
        None,
        2012,
        2016,
        "pilot of the programme, 2012-2016",
    ),
]

# name, name_ar, lat, lon, coast
BEACHES = [
    ("Plage de Saïdia", "شاطئ السعيدية", 35.0930, -2.2350, "mediterranean"),
    ("Plage de Ras El Ma", "شاطئ رأس الماء", 35.1400, -2.4250, "mediterranean"),
    ("Plage Quemado", "شاطئ كيمادو", 35.2455, -3.9310, "mediterranean"),
    ("Plage de Sfiha", "شاطئ صفيحة", 35.2020, -3.8700, "mediterranean"),
    ("Plage de Cala Iris", "شاطئ كالا إيريس", 35.1460, -4.3640, "mediterranean"),
    ("Plage d'Oued Laou", "شاطئ واد لاو", 35.4450, -5.0950, "mediterranean"),
    ("Plage de Martil", "شاطئ مرتيل", 35.6200, -5.2760, "mediterranean"),
    ("Plage de Cabo Negro", "شاطئ كابو نيغرو", 35.6650, -5.2880, "mediterranean"),
    ("Plage de M'diq", "شاطئ المضيق", 35.6820, -5.3250, "mediterranean"),
    ("Plage de Fnideq", "شاطئ الفنيدق", 35.8420, -5.3580, "mediterranean"),
    ("Plage de Malabata", "شاطئ مالاباطا", 35.7770, -5.7780, "atlantic"),
    ("Plage d'Achakar", "شاطئ أشقار", 35.7580, -5.9330, "atlantic"),
    ("Plage d'Asilah", "شاطئ أصيلة", 35.4700, -6.0330, "atlantic"),
    ("Plage de Larache (Ras Rmel)", "شاطئ رأس الرمل", 35.2050, -6.1450, "atlantic"),
    ("Plage de Moulay Bousselham", "شاطئ مولاي بوسلهام", 34.8780, -6.2870, "atlantic"),
    ("Plage de Mehdia", "شاطئ المهدية", 34.2550, -6.6670, "atlantic"),
    ("Plage de Salé", "شاطئ سلا", 34.0400, -6.8200, "atlantic"),
    ("Plage de Rabat", "شاطئ الرباط", 34.0310, -6.8320, "atlantic"),
    ("Plage de Harhoura", "شاطئ الهرهورة", 33.9480, -6.9380, "atlantic"),
    ("Plage de Skhirat", "شاطئ الصخيرات", 33.8580, -7.0380, "atlantic"),
    ("Plage de Bouznika", "شاطئ بوزنيقة", 33.8030, -7.1580, "atlantic"),
    ("Plage des Sablettes (Mohammedia)", "شاطئ المحمدية", 33.7100, -7.3650, "atlantic"),
    ("Plage Aïn Diab", "شاطئ عين الذئاب", 33.5900, -7.6800, "atlantic"),
    ("Plage de Dar Bouazza", "شاطئ دار بوعزة", 33.5150, -7.8250, "atlantic"),
    ("Plage d'El Jadida", "شاطئ الجديدة", 33.2430, -8.5080, "atlantic"),
    ("Plage de Sidi Bouzid", "شاطئ سيدي بوزيد", 33.2270, -8.5530, "atlantic"),
    ("Plage d'Oualidia", "شاطئ الوليدية", 32.7330, -9.0280, "atlantic"),
    ("Plage de Lalla Fatna", "شاطئ لالة فاطنة", 32.3650, -9.2680, "atlantic"),
    ("Plage d'Essaouira", "شاطئ الصويرة", 31.5030, -9.7620, "atlantic"),
    ("Plage de Sidi Kaouki", "شاطئ سيدي كاوكي", 31.3510, -9.7930, "atlantic"),
    ("Plage d'Imsouane", "شاطئ إمسوان", 30.8390, -9.8200, "atlantic"),
    ("Plage de Taghazout", "شاطئ تغازوت", 30.5430, -9.7080, "atlantic"),
    ("Plage d'Agadir", "شاطئ أكادير", 30.4150, -9.6030, "atlantic"),
    ("Plage d'Aglou", "شاطئ أكلو", 29.8010, -9.8270, "atlantic"),
    ("Plage de Mirleft", "شاطئ ميرلفت", 29.5810, -10.0400, "atlantic"),
    ("Plage de Sidi Ifni", "شاطئ سيدي إفني", 29.3800, -10.1740, "atlantic"),
    ("Plage d'El Ouatia (Tan-Tan)", "شاطئ الوطية", 28.4980, -11.3270, "atlantic"),
    ("Plage de Foum El Oued", "شاطئ فم الواد", 27.1780, -13.3950, "atlantic"),
    ("Plage de Dakhla", "شاطئ الداخلة", 23.7030, -15.9380, "atlantic"),
]

# city, name, name_ar, mode, operator, lat, lon (approximate real positions)
STATIONS = [
    ("Fès", "Gare de Fès", "محطة فاس", "train", "ONCF", 34.0470, -4.9935),
    ("Meknès", "Gare de Meknès", "محطة مكناس", "train", "ONCF", 33.8960, -5.5390),
    ("Taza", "Gare de Taza", "محطة تازة", "train", "ONCF", 34.2290, -4.0150),
    ("El Jadida", "Gare d'El Jadida", "محطة الجديدة", "train", "ONCF", 33.2250, -8.4870),
    ("Kénitra", "Gare de Kénitra", "محطة القنيطرة", "train", "ONCF", 34.2590, -6.5800),
    ("Salé", "Gare de Salé-Ville", "محطة سلا المدينة", "train", "ONCF", 34.0520, -6.7960),
    ("Salé", "Gare de Salé-Tabriquet", "محطة سلا تابريكت", "train", "ONCF", 34.0560, -6.7780),
    ("Marrakech", "Gare de Marrakech", "محطة مراكش", "train", "ONCF", 31.6300, -8.0160),
    ("Béni Mellal", "Gare de Béni Mellal", "محطة بني ملال", "train", "ONCF", 32.3250, -6.3700),
    ("Fès", "Gare routière de Fès", "المحطة الطرقية فاس", "coach", "CTM", 34.0640, -4.9830),
    ("Meknès", "Gare routière de Meknès", "المحطة الطرقية مكناس", "coach", "CTM", 33.8990, -5.5600),
    ("Agadir", "Gare routière d'Agadir", "المحطة الطرقية أكادير", "coach", "CTM", 30.4120, -9.5700),
    (
        "Inezgane",
        "Gare routière d'Inezgane",
        "المحطة الطرقية إنزكان",
        "coach",
        "CTM",
        30.3600,
        -9.5390,
    ),
    (
        "Tiznit",
        "Gare routière de Tiznit",
        "المحطة الطرقية تيزنيت",
        "coach",
        "CTM",
        29.7040,
        -9.7290,
    ),
    (
        "Boujdour",
        "Gare routière de Boujdour",
        "المحطة الطرقية بوجدور",
        "coach",
        "CTM",
        26.1290,
        -14.4810,
    ),
    (
        "Marrakech",
        "Gare routière de Marrakech",
        "المحطة الطرقية مراكش",
        "coach",
        "CTM",
        31.6340,
        -8.0010,
    ),
    (
        "Salé",
        "Tram Bab Lamrissa",
        "ترامواي باب لمريسة",
        "tram",
        "Tramway Rabat-Salé",
        34.0360,
        -6.8110,
    ),
    (
        "Salé",
        "Tram Hassan II (Salé)",
        "ترامواي الحسن الثاني",
        "tram",
        "Tramway Rabat-Salé",
        34.0410,
        -6.8030,
    ),
    ("Salé", "Tram Karima", "ترامواي كريمة", "tram", "Tramway Rabat-Salé", 34.0480, -6.7900),
    ("Salé", "Tram Tabriquet", "ترامواي تابريكت", "tram", "Tramway Rabat-Salé", 34.0540, -6.7800),
    (
        "Agadir",
        "BRT Amal Souss — Talborjt",
        "حافلة أمل سوس — تالبرجت",
        "brt",
        "Amal Souss",
        30.4260,
        -9.5960,
    ),
    (
        "Agadir",
        "BRT Amal Souss — Dakhla",
        "حافلة أمل سوس — الداخلة",
        "brt",
        "Amal Souss",
        30.4060,
        -9.5690,
    ),
    (
        "Inezgane",
        "BRT Amal Souss — Inezgane",
        "حافلة أمل سوس — إنزكان",
        "brt",
        "Amal Souss",
        30.3580,
        -9.5410,
    ),
    (
        "Marrakech",
        "BRT Bab Doukkala",
        "الحافلة باب دكالة",
        "brt",
        "Alsa City Bus",
        31.6360,
        -8.0000,
    ),
    ("Marrakech", "BRT Massira", "الحافلة المسيرة", "brt", "Alsa City Bus", 31.6180, -8.0500),
]

BUS_STOPS_PER_CITY = 8
# cities on the coast: invented stops go inland (bearings from north-east round to south)
COASTAL = {"Agadir", "Salé", "El Jadida", "Boujdour"}


def _bool(value: bool | None) -> str:
    return "" if value is None else ("yes" if value else "no")


def _offset(lat: float, lon: float, metres: float, bearing: float) -> tuple[float, float]:
    dlat = metres * math.cos(bearing) / 111_195.0
    dlon = metres * math.sin(bearing) / (111_195.0 * math.cos(math.radians(lat)))
    return round(lat + dlat, 5), round(lon + dlon, 5)


def write_cities() -> int:
    path = OUT / "accessible_cities.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(
            [
                "external_id",
                "name",
                "name_ar",
                "stage",
                "diagnostic_study",
                "convention_date",
                "start_year",
                "end_year",
                "notes",
                "lon",
                "lat",
            ]
        )
        for name, ar, lat, lon, stage, diag, conv, start, end, notes in CITIES:
            slug = name.lower().replace(" ", "-").replace("è", "e").replace("é", "e")
            w.writerow(
                [
                    f"ac:{slug}",
                    name,
                    ar,
                    stage,
                    _bool(diag),
                    conv or "",
                    start or "",
                    end or "",
                    notes,
                    lon,
                    lat,
                ]
            )
    return len(CITIES)


def write_beaches(rng: np.random.Generator) -> int:
    path = OUT / "beaches.csv"
    equipment = [
        "walkway_to_water",
        "amphibious_chair",
        "adapted_wc",
        "adapted_shower",
        "reserved_parking",
        "shade",
        "trained_staff",
    ]
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(
            [
                "external_id",
                "name",
                "name_ar",
                "coast",
                "season",
                *equipment,
                "blue_flag",
                "lon",
                "lat",
            ]
        )
        for i, (name, ar, lat, lon, coast) in enumerate(BEACHES, start=1):
            # equipment level 0-7, more often partial than complete
            level = int(rng.choice(8, p=[0.18, 0.14, 0.16, 0.16, 0.12, 0.10, 0.08, 0.06]))
            have = set(rng.permutation(equipment)[:level].tolist())
            if level >= 2:
                have |= {"walkway_to_water"}
            flag = bool(level >= 4 and rng.random() < 0.7)
            w.writerow(
                [
                    f"beach:{i:03d}",
                    name,
                    ar,
                    coast,
                    "15 juin – 15 septembre",
                    *[_bool(e in have) for e in equipment],
                    _bool(flag),
                    lon,
                    lat,
                ]
            )
    return len(BEACHES)


def write_stops(rng: np.random.Generator) -> int:
    path = OUT / "transport_stops.csv"
    rows = 0
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(
            [
                "external_id",
                "name",
                "name_ar",
                "mode",
                "operator",
                "wheelchair_boarding",
                "step_free",
                "raised_platform",
                "tactile_paving",
                "audio_info",
                "visual_info",
                "lon",
                "lat",
            ]
        )

        def attrs(mode: str) -> list[str]:
            modern = mode in ("tram", "brt")
            wb = 1 if modern else int(rng.choice([0, 1, 2], p=[0.4, 0.35, 0.25]))
            step = True if modern else (None if wb == 0 else bool(rng.random() < 0.5))
            raised = True if modern else bool(rng.random() < 0.3)
            tactile = bool(rng.random() < (0.8 if modern else 0.2))
            audio = bool(rng.random() < (0.9 if modern else 0.15))
            visual = bool(rng.random() < (0.95 if modern else 0.3))
            return [
                str(wb),
                _bool(step),
                _bool(raised),
                _bool(tactile),
                _bool(audio),
                _bool(visual),
            ]

        for i, (_city, name, ar, mode, op, lat, lon) in enumerate(STATIONS, start=1):
            w.writerow([f"stop:st{i:03d}", name, ar, mode, op, *attrs(mode), lon, lat])
            rows += 1
        for name, ar, lat, lon, *_ in CITIES:
            for k in range(1, BUS_STOPS_PER_CITY + 1):
                dist = float(rng.uniform(300, 2000))
                if name in COASTAL:
                    bearing = math.radians(float(rng.uniform(40, 190)))
                else:
                    bearing = float(rng.uniform(0, 2 * math.pi))
                slat, slon = _offset(lat, lon, dist, bearing)
                w.writerow(
                    [
                        f"stop:bus:{name.lower().replace(' ', '-')}:{k}",
                        f"Arrêt {name} {k:02d}",
                        f"موقف {ar} {k}",
                        "bus",
                        "Réseau urbain (démo)",
                        *attrs("bus"),
                        slon,
                        slat,
                    ]
                )
                rows += 1
    return rows


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(SEED)
    n_cities = write_cities()
    n_beaches = write_beaches(rng)
    n_stops = write_stops(rng)
    print(f"accessible_cities.csv: {n_cities} rows")
    print(f"beaches.csv: {n_beaches} rows")
    print(f"transport_stops.csv: {n_stops} rows")


if __name__ == "__main__":
    main()
