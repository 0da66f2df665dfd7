"""A small demo catalogue of KAMRI's own products, loaded once by `make run`."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction

from kamri.catalog.models import Category, Product, Variant

_CATEGORIES = {
    "Maison": ["Cuisine", "Décoration"],
    "Mode": ["Accessoires"],
    "Papeterie": [],
}

# (title, category, image, description, [(sku, options, price, stock, weight)])
_PRODUCTS = [
    (
        "Mug en grès émaillé",
        "Cuisine",
        "mug",
        "Mug artisanal de 350 ml, passe au lave-vaisselle.",
        [
            ("KM-MUG-BLEU", {"Couleur": "Bleu"}, "14.90", 40, 380),
            ("KM-MUG-SABLE", {"Couleur": "Sable"}, "14.90", 25, 380),
        ],
    ),
    (
        "Tote bag en coton bio",
        "Accessoires",
        "tote",
        "Sac cabas 38 × 42 cm, coton biologique 280 g/m².",
        [("KM-TOTE-NAT", {"Couleur": "Naturel"}, "19.00", 60, 210)],
    ),
    (
        "Lampe de chevet en laiton",
        "Décoration",
        "lamp",
        "Lampe à poser, ampoule E14 fournie.",
        [("KM-LAMP-S", {"Taille": "S"}, "59.00", 8, 1200), ("KM-LAMP-M", {"Taille": "M"}, "79.00", 5, 1600)],
    ),
    (
        "Plaid en laine mérinos",
        "Décoration",
        "plaid",
        "130 × 170 cm, tissé au Portugal.",
        [
            ("KM-PLAID-GRIS", {"Couleur": "Gris"}, "89.00", 12, 900),
            ("KM-PLAID-TERRA", {"Couleur": "Terracotta"}, "89.00", 0, 900),
        ],
    ),
    (
        "Bougie parfumée figue",
        "Décoration",
        "candle",
        "Cire végétale, 40 heures de combustion.",
        [("KM-CANDLE-FIG", {}, "24.50", 30, 320)],
    ),
    (
        "Carnet pointillé A5",
        "Papeterie",
        "notebook",
        "192 pages, papier 100 g/m², reliure cousue.",
        [
            ("KM-NOTE-NOIR", {"Couleur": "Noir"}, "12.00", 80, 280),
            ("KM-NOTE-VERT", {"Couleur": "Vert"}, "12.00", 45, 280),
        ],
    ),
    (
        "Bol à céréales",
        "Cuisine",
        "bowl",
        "Grès, 600 ml.",
        [("KM-BOWL-BLANC", {"Couleur": "Blanc"}, "11.50", 50, 420)],
    ),
    (
        "Coussin en lin lavé",
        "Décoration",
        "cushion",
        "45 × 45 cm, housse déhoussable.",
        [("KM-CUSH-OLIVE", {"Couleur": "Olive"}, "32.00", 18, 500)],
    ),
]


@transaction.atomic
def load_demo_catalog() -> int:
    """Create the demo categories and products; returns how many products were created."""
    categories: dict[str, Category] = {}
    for position, (root_name, children) in enumerate(_CATEGORIES.items()):
        root, _ = Category.objects.get_or_create(name=root_name, parent=None, defaults={"position": position})
        categories[root_name] = root
        for child_position, child_name in enumerate(children):
            categories[child_name], _ = Category.objects.get_or_create(
                name=child_name, parent=root, defaults={"position": child_position}
            )
    created = 0
    for title, category_name, image, description, variants in _PRODUCTS:
        if Product.objects.filter(title=title).exists():
            continue
        product = Product.objects.create(
            title=title,
            description=description,
            category=categories[category_name],
            status=Product.Status.ACTIVE,
            source=Product.Source.OWN,
            image_url=f"/static/catalog/demo/{image}.svg",
        )
        for sku, options, price, stock, weight in variants:
            Variant.objects.create(
                product=product,
                sku=sku,
                options=options,
                price=Decimal(price),
                stock=stock,
                weight_g=weight,
                cost=(Decimal(price) * Decimal("0.45")).quantize(Decimal("0.01")),
                cost_currency="EUR",
            )
        created += 1
    return created
