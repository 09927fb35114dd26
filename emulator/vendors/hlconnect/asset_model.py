"""AssetItem as a pydantic model: checks fixture assets so what the emulator serves for them
still matches the documented schema (types only; every field optional, as at HL)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class _Part(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


class Instrument(_Part):
    type: str | None = None
    name: str | None = None


class Image(_Part):
    name: str | None = None
    url: str | None = None


class Contributor(_Part):
    is_primary: bool | None = None
    name: str | None = None
    mbid: str | None = None
    role: str | None = None


class RelatedGood(_Part):
    related_product_id: int | None = None
    group_type_id: int | None = None
    good_type: str | None = None
    sheet: bool | None = None
    featured: bool | None = None
    prime_src: bool | None = None


class Rendering(_Part):
    type: str | None = None
    usage: str | None = None


class MedleyAsset(_Part):
    name: str | None = None
    song_catalog_id: str | None = None
    hl_song_id: str | None = None
    sequence: int | None = None


class Usergen(_Part):
    black_box: bool | None = None
    arrangeable: bool | None = None
    vendor_product_type: str | None = None
    seller_id: int | None = None
    authorized_performers: int | None = None
    content_provider: str | None = None
    adaptation_product_id: int | None = None
    adaptation_vendor: str | None = None
    vendor_song_id: str | None = None
    commission_override_rate: float | None = None
    publisher_name: str | None = None
    medley_assets: list[MedleyAsset] | None = None


class Price(_Part):
    type_id: int | None = None
    type_usage: str | None = None
    price: float | None = None


class Package(_Part):
    asset_id: int | None = None
    instrumentation_part_code: str | None = None
    instrumentation_part_name: str | None = None
    count: int | None = None
    sequence: int | None = None
    score: bool | None = None


class AssetItem(_Part):
    asset_id: int = Field(ge=1, le=2**63 - 1)
    format_short_name: str | None = None
    format: str | None = None
    page_count: int | None = None
    title: str | None = None
    description: str | None = None
    song_number: int | None = None
    public_domain: bool | None = None
    external_ref: str | None = None
    external_ref_id: int | None = None
    voicing: str | None = None
    performance_time: int | None = None
    difficulty_level_low: float | None = None
    difficulty_level_high: float | None = None
    min_qty: int | None = Field(None, ge=1)
    tempo: int | None = None
    world: bool | None = None
    retail_price: float | None = Field(None, ge=0)
    smd_id: str | None = None
    asset_type: str | None = None
    explicit: bool | None = None
    partable: bool | None = None
    countries: list[str] | None = None
    instruments: list[Instrument] | None = None
    categories: list[str] | None = None
    images: list[Image] | None = None
    contributors: list[Contributor] | None = None
    keywords: list[str] | None = None
    related_goods: list[RelatedGood] | None = None
    renderings: list[Rendering] | None = None
    series: list[str] | None = None
    skills: list[str] | None = None
    usergens: list[Usergen] | None = None
    prices: list[Price] | None = None
    packages: list[Package] | None = None
