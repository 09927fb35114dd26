"""One realistic HL Connect AssetItem from a seeded Faker: the vocabulary (formats,
instruments, categories, ...) and `generate_asset`. Used by the generated catalogue
(catalog.py) and the documented test assets (fixed_assets.py)."""

from __future__ import annotations

FORMATS = [  # (short name, format, asset_type, voicing or None, choral)
    ("PVG", "Piano/Vocal/Guitar", "PCK", None, False),
    ("PV", "Piano/Vocal", "PCK", None, False),
    ("PS", "Piano Solo", "PCK", None, False),
    ("EP", "Easy Piano", "PCK", None, False),
    ("GTAB", "Guitar Tablature", "FOLIO", None, False),
    ("LS", "Lead Sheet", "PCK", None, False),
    ("SATB", "Choral SATB", "CHMBK", "SATB", True),
    ("SSA", "Choral SSA", "CHMBK", "SSA", True),
    ("TTBB", "Choral TTBB", "CHMBK", "TTBB", True),
    ("2PT", "Choral 2-Part", "CHMBK", "2-Part", True),
    ("CB", "Concert Band", "FOLIO", None, False),
    ("SO", "String Orchestra", "FOLIO", None, False),
]
INSTRUMENTS = {
    "PVG": [("Keyboard", "Piano"), ("Vocal", "Voice"), ("String", "Guitar")],
    "PV": [("Keyboard", "Piano"), ("Vocal", "Voice")],
    "PS": [("Keyboard", "Piano")],
    "EP": [("Keyboard", "Piano")],
    "GTAB": [("String", "Guitar")],
    "LS": [("Vocal", "Voice"), ("C Instrument", "Melody")],
    "SATB": [("Vocal", "Soprano"), ("Vocal", "Alto"), ("Vocal", "Tenor"), ("Vocal", "Bass")],
    "SSA": [("Vocal", "Soprano I"), ("Vocal", "Soprano II"), ("Vocal", "Alto")],
    "TTBB": [("Vocal", "Tenor I"), ("Vocal", "Tenor II"), ("Vocal", "Baritone"), ("Vocal", "Bass")],
    "2PT": [("Vocal", "Part I"), ("Vocal", "Part II"), ("Keyboard", "Piano")],
    "CB": [("Woodwind", "Flute"), ("Woodwind", "Clarinet"), ("Brass", "Trumpet"),
           ("Percussion", "Snare Drum")],
    "SO": [("String", "Violin"), ("String", "Viola"), ("String", "Cello"),
           ("String", "Double Bass")],
}
CATEGORIES = ["Pop", "Rock", "Jazz", "Classical", "Broadway", "Film/TV", "Gospel", "Country",
              "Holiday", "Folk", "Blues", "Sacred", "Educational", "Latin", "R&B"]
SKILLS = ["Beginner", "Early Intermediate", "Intermediate", "Late Intermediate", "Advanced"]
SERIES = ["Hal Leonard Digital", "Broadway Junior", "Pop Choral Series", "Essential Elements",
          "Jazz Play-Along", "Easy Piano Songbook", "Ultimate Guitar Tab", "Concert Band Classics"]
ROLES = ["Composer", "Lyricist", "Arranger", "Artist", "Editor"]
COUNTRIES = ["US", "CA", "GB", "DE", "FR", "AU", "NZ", "IE", "NL", "SE", "NO", "DK", "JP", "ES"]
PUBLISHERS = ["Hal Leonard LLC", "Shawnee Press", "Cherry Lane Music", "Boosey & Hawkes",
              "Walton Music", "Jenson Publications"]
KEYWORDS = ["wedding", "graduation", "anthem", "ballad", "uptempo", "standard", "festival",
            "contest", "recital", "worship", "soundtrack", "holiday", "a cappella", "showtune"]


def generate_asset(fake, asset_id: int, *, fmt: tuple | None = None) -> dict:
    """One realistic AssetItem (every field filled) from a seeded Faker."""
    r = fake.random
    short, fmt_name, asset_type, voicing, choral = fmt or r.choice(FORMATS)
    title = fake.catch_phrase().title() if r.random() < 0.5 else " ".join(
        w.capitalize() for w in fake.words(r.randint(2, 4)))
    composer = fake.name()
    public_domain = r.random() < 0.12
    world = r.random() >= 0.1
    low = float(r.randint(1, 4))
    price = round(r.choice([1.99, 2.15, 2.49, 3.99, 4.99, 5.99, 7.99, 12.99, 24.99])
                  * (r.randint(1, 3) if short in ("CB", "SO") else 1), 2)
    related = r.randint(10_000_000, 99_999_999)
    categories = r.sample(CATEGORIES, r.randint(1, 3))
    contributors = [{"is_primary": True, "name": composer, "mbid": fake.uuid4(),
                     "role": "Composer"}]
    for _ in range(r.randint(0, 2)):
        contributors.append({"is_primary": False, "name": fake.name(), "mbid": fake.uuid4(),
                             "role": r.choice(ROLES[1:])})
    return {
        "asset_id": asset_id,
        "format_short_name": short,
        "format": fmt_name,
        "page_count": r.randint(2, 48) if short not in ("CB", "SO") else r.randint(20, 120),
        "title": title,
        "description": f"{fmt_name} arrangement of \"{title}\" by {composer}. "
                       + fake.sentence(nb_words=12),
        "song_number": r.randint(1, 40),
        "public_domain": public_domain,
        "external_ref": f"HL{r.randint(100000, 999999):08d}",
        "external_ref_id": r.randint(100_000, 9_999_999),
        "voicing": voicing or ("Solo" if short in ("PS", "EP", "GTAB") else "Unison"),
        "performance_time": r.randint(90, 420),
        "difficulty_level_low": low,
        "difficulty_level_high": min(5.0, low + r.choice([0.0, 0.5, 1.0])),
        "min_qty": r.choice([1, 5, 10]) if choral and r.random() < 0.3 else 1,
        "tempo": r.randint(56, 176),
        "world": world,
        "retail_price": price,
        "smd_id": f"SMD-{r.randint(0, 16**8 - 1):08X}",
        "asset_type": asset_type,
        "explicit": r.random() < 0.04,
        "partable": False,
        "countries": [] if world else sorted(r.sample(COUNTRIES, r.randint(1, 4))),
        "instruments": [{"type": t, "name": n} for t, n in INSTRUMENTS[short]],
        "categories": categories,
        "images": [
            {"name": "cover", "url": f"/hlconnect/images/{asset_id}/cover.svg"},
            {"name": "first-page", "url": f"/hlconnect/images/{asset_id}/first-page.svg"},
        ],
        "contributors": contributors,
        "keywords": r.sample(KEYWORDS, r.randint(2, 5)),
        "related_goods": [{"related_product_id": related, "group_type_id": r.randint(1, 9),
                           "good_type": r.choice(["H", "D", "V"]), "sheet": True,
                           "featured": r.random() < 0.2, "prime_src": r.random() < 0.5}],
        "renderings": [{"type": "pdf", "usage": "full"}, {"type": "pdf", "usage": "preview"},
                       {"type": r.choice(["scorch", "musicxml", "embed"]), "usage": "preview"},
                       {"type": r.choice(["audio", "streaming"]), "usage": "preview"}],
        "series": r.sample(SERIES, r.randint(1, 2)),
        "skills": sorted(r.sample(SKILLS, 2), key=SKILLS.index),
        "usergens": [{
            "black_box": False,
            "arrangeable": not public_domain and r.random() < 0.3,
            "vendor_product_type": r.choice(["sheet", "arrangement", "medley"]),
            "seller_id": r.randint(1000, 99999),
            "authorized_performers": r.choice([1, 2, 4, 8, 40]),
            "content_provider": r.choice(PUBLISHERS),
            "adaptation_product_id": r.randint(100_000, 999_999),
            "adaptation_vendor": "Hal Leonard",
            "vendor_song_id": f"S{r.randint(10000, 99999)}",
            "commission_override_rate": round(r.choice([0.1, 0.15, 0.2, 0.25]), 2),
            "publisher_name": r.choice(PUBLISHERS),
            "medley_assets": [{"name": title, "song_catalog_id": f"SC{r.randint(1000, 9999)}",
                               "hl_song_id": f"HLS{r.randint(100000, 999999)}", "sequence": 1}],
        }],
        "prices": [{"type_id": 1, "type_usage": "digital", "price": price},
                   {"type_id": 2, "type_usage": "print", "price": round(price * 1.6 + 1, 2)}],
        "packages": [{"asset_id": asset_id, "instrumentation_part_code": "FS",
                      "instrumentation_part_name": "Full Score", "count": 1, "sequence": 1,
                      "score": True}],
    }
