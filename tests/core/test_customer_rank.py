"""The customer the technician typed wins over looser matches, which say why they matched."""

from __future__ import annotations

from types import SimpleNamespace as NS

from syncro_tui.core.customers import label, rank

OAK = NS(id=1, display_name="Oakridge Realty", contacts=[NS(name="Noah Park", email="n@o.example")])
PARK = NS(id=2, display_name="Park Construction", contacts=[])
BIG = NS(id=3, display_name="Big Park Dental", contacts=[])
SPARK = NS(id=4, display_name="Sparkle Cleaning", contacts=[])
EXACT = NS(id=5, display_name="PARK", contacts=[])


def test_exact_and_prefix_first_then_looser_with_reasons():
    ranked = rank("park", [OAK, SPARK, BIG, PARK, EXACT])
    assert [m.customer.id for m in ranked] == [5, 2, 3, 4, 1]
    assert [label(m) for m in ranked] == [
        "PARK",
        "Park Construction",
        "Big Park Dental",
        "Sparkle Cleaning",
        "Oakridge Realty  (contact Noah Park)",
    ]


def test_syncros_order_is_kept_within_a_group():
    a = NS(id=10, display_name="Park A", contacts=[])
    b = NS(id=11, display_name="Park B", contacts=[])
    assert [m.customer.id for m in rank("park", [b, a])] == [11, 10]


def test_an_email_match_is_named():
    shop = NS(id=6, display_name="Shop", contacts=[], email="park@shop.example")
    assert label(rank("park", [shop])[0]) == "Shop  (email park@shop.example)"
