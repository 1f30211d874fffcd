"""Products and Prices (the Billing catalog) through stripe-python: every endpoint, the
objects as Stripe renders them, lookup keys, list filters and the error shapes."""

import json
import re
import uuid
from decimal import Decimal

import pytest
import stripe

from helpers import assert_recent

PRODUCT_ID = re.compile(r"^prod_[A-Za-z0-9]+$")
PRICE_ID = re.compile(r"^price_[A-Za-z0-9]+$")


def unique(prefix):
    return f"{prefix}_{uuid.uuid4().hex[:12]}"


def make_product(client, **params):
    return client.v1.products.create(params={"name": unique("product"), **params})


def test_product_create_retrieve_update_delete(client):
    prod = client.v1.products.create(
        params={
            "name": "Gold plan",
            "description": "The best plan",
            "metadata": {"tier": "gold"},
            "images": ["https://example.com/gold.png"],
            "marketing_features": [{"name": "Priority support"}],
            "statement_descriptor": "GOLD PLAN",
            "unit_label": "seat",
            "url": "https://example.com/gold",
            "shippable": False,
        }
    )
    assert isinstance(prod, stripe.Product)
    assert PRODUCT_ID.match(prod.id), prod.id
    assert prod.object == "product"
    assert prod.active is True
    assert prod.type == "service"
    assert prod.default_price is None
    assert prod.images == ["https://example.com/gold.png"]
    assert prod.marketing_features[0].name == "Priority support"
    assert prod.package_dimensions is None
    assert prod.livemode is False
    assert_recent(prod.created)
    assert prod.updated == prod.created

    fetched = client.v1.products.retrieve(prod.id)
    assert fetched.to_dict() == prod.to_dict()

    updated = client.v1.products.update(
        prod.id, params={"name": "Platinum plan", "description": "", "metadata": {"tier": ""}}
    )
    assert updated.name == "Platinum plan"
    assert updated.description is None
    assert updated.metadata.to_dict() == {}

    deleted = client.v1.products.delete(prod.id)
    assert deleted.deleted is True
    assert deleted.id == prod.id
    assert client.v1.products.retrieve(prod.id).deleted is True
    with pytest.raises(stripe.InvalidRequestError) as exc:
        client.v1.products.delete(prod.id)
    assert exc.value.http_status == 404
    assert exc.value.code == "resource_missing"


def test_product_with_default_price_data_and_expand(client):
    prod = client.v1.products.create(
        params={
            "name": unique("monthly"),
            "default_price_data": {
                "currency": "usd",
                "unit_amount": 1500,
                "recurring": {"interval": "month"},
            },
            "expand": ["default_price"],
        }
    )
    price = prod.default_price
    assert isinstance(price, stripe.Price)
    assert price.product == prod.id
    assert price.unit_amount == 1500
    # A decimal string on the wire, which stripe-python reads as a Decimal.
    assert price.unit_amount_decimal == Decimal("1500")
    assert price.type == "recurring"
    assert price.recurring.interval == "month"
    assert price.recurring.interval_count == 1
    assert price.recurring.usage_type == "licensed"

    with pytest.raises(stripe.InvalidRequestError) as exc:
        client.v1.products.delete(prod.id)
    assert exc.value.http_status == 400
    assert exc.value.user_message == (
        "This product cannot be deleted because it has one or more user-created prices."
    )

    other = make_product(client, default_price_data={"currency": "usd", "unit_amount": 1})
    with pytest.raises(stripe.InvalidRequestError) as exc:
        client.v1.products.update(prod.id, params={"default_price": other.default_price})
    assert exc.value.param == "default_price"
    yearly = client.v1.prices.create(
        params={"product": prod.id, "currency": "usd", "unit_amount": 15000,
                "recurring": {"interval": "year"}}
    )
    switched = client.v1.products.update(
        prod.id, params={"default_price": yearly.id, "expand": ["default_price"]}
    )
    assert switched.default_price.id == yearly.id


def test_product_errors(client):
    with pytest.raises(stripe.InvalidRequestError) as exc:
        client.v1.products.create(params={"description": "no name"})
    assert exc.value.code == "parameter_missing"
    assert exc.value.param == "name"
    custom = unique("custom")
    assert client.v1.products.create(params={"name": "Custom", "id": custom}).id == custom
    with pytest.raises(stripe.InvalidRequestError) as exc:
        client.v1.products.create(params={"name": "Again", "id": custom})
    assert exc.value.code == "resource_already_exists"
    assert exc.value.param == "id"
    with pytest.raises(stripe.InvalidRequestError) as exc:
        client.v1.products.retrieve("prod_missing")
    assert exc.value.http_status == 404


def test_product_list_filters(client):
    url = f"https://example.com/{uuid.uuid4().hex}"
    made = [
        make_product(client, url=url, shippable=True),
        make_product(client, url=url, shippable=False),
        make_product(client, url=url, active=False),
    ]
    ids = [p.id for p in reversed(made)]
    assert [p.id for p in client.v1.products.list(params={"url": url}).data] == ids
    active = client.v1.products.list(params={"url": url, "active": True})
    assert [p.id for p in active.data] == ids[1:]
    shippable = client.v1.products.list(params={"url": url, "shippable": True})
    assert [p.id for p in shippable.data] == [made[0].id]
    by_ids = client.v1.products.list(params={"ids": [made[0].id, made[2].id]})
    assert [p.id for p in by_ids.data] == [made[2].id, made[0].id]
    page = client.v1.products.list(params={"url": url, "limit": 2})
    assert page.has_more is True
    rest = client.v1.products.list(params={"url": url, "limit": 2, "starting_after": page.data[-1].id})
    assert [p.id for p in rest.data] == [made[0].id]
    assert rest.has_more is False


def test_price_object_and_update(client, raw):
    prod = make_product(client)
    key = unique("gold")
    price = client.v1.prices.create(
        params={
            "product": prod.id,
            "currency": "USD",
            "unit_amount": 2000,
            "recurring": {"interval": "month", "interval_count": 3},
            "nickname": "Quarterly",
            "metadata": {"plan": "gold"},
            "lookup_key": key,
        }
    )
    assert isinstance(price, stripe.Price)
    assert PRICE_ID.match(price.id), price.id
    status, _, data = raw.send("GET", f"/v1/prices/{price.id}")
    assert status == 200
    body = json.loads(data)
    recurring = body.pop("recurring")
    assert recurring == {
        "interval": "month",
        "interval_count": 3,
        "meter": None,
        "trial_period_days": None,
        "usage_type": "licensed",
    }
    assert body == {
        "id": price.id,
        "object": "price",
        "active": True,
        "billing_scheme": "per_unit",
        "created": price.created,
        "currency": "usd",
        "custom_unit_amount": None,
        "livemode": False,
        "lookup_key": key,
        "metadata": {"plan": "gold"},
        "nickname": "Quarterly",
        "product": prod.id,
        "tax_behavior": "unspecified",
        "tiers_mode": None,
        "transform_quantity": None,
        "type": "recurring",
        "unit_amount": 2000,
        "unit_amount_decimal": "2000",
    }
    expanded = client.v1.prices.retrieve(price.id, params={"expand": ["product"]})
    assert isinstance(expanded.product, stripe.Product)
    assert expanded.product.id == prod.id

    updated = client.v1.prices.update(
        price.id, params={"nickname": "", "active": False, "tax_behavior": "exclusive"}
    )
    assert updated.nickname is None
    assert updated.active is False
    assert updated.tax_behavior == "exclusive"
    with pytest.raises(stripe.InvalidRequestError) as exc:
        client.v1.prices.update(price.id, params={"unit_amount": 5})
    assert exc.value.code == "parameter_unknown"
    assert exc.value.param == "unit_amount"


def test_price_with_product_data_and_decimal(client):
    price = client.v1.prices.create(
        params={
            "product_data": {"name": unique("inline"), "metadata": {"k": "v"}},
            "currency": "eur",
            "unit_amount_decimal": "12.50",
            "expand": ["product"],
        }
    )
    assert price.type == "one_time"
    assert price.recurring is None
    assert price.unit_amount is None
    assert price.unit_amount_decimal == Decimal("12.5")
    assert price.product.type == "service"
    assert price.product.metadata.to_dict() == {"k": "v"}


@pytest.mark.parametrize(
    "params,param,code",
    [
        ({"product": "prod_missing", "currency": "usd", "unit_amount": 5}, "product", "resource_missing"),
        ({"unit_amount": 5}, "currency", "parameter_missing"),
        ({"currency": "usd", "unit_amount": 5, "unit_amount_decimal": "5"}, "unit_amount", None),
        ({"currency": "usd", "unit_amount": 5, "recurring": {"interval": "fortnight"}}, "recurring[interval]", None),
        ({"currency": "usd", "unit_amount": 5, "recurring": {"interval": "year", "interval_count": 4}},
         "recurring[interval_count]", None),
        ({"currency": "usd", "unit_amount": 5, "billing_scheme": "tiered"}, "billing_scheme", None),
    ],
)
def test_price_errors(client, params, param, code):
    prod = make_product(client)
    with pytest.raises(stripe.InvalidRequestError) as exc:
        client.v1.prices.create(params={"product": prod.id, **params})
    assert exc.value.http_status == 400
    assert exc.value.error.type == "invalid_request_error"
    assert exc.value.param == param
    assert exc.value.code == code


def test_price_error_messages(client):
    prod = make_product(client)
    with pytest.raises(stripe.InvalidRequestError) as exc:
        client.v1.prices.create(params={"product": "prod_missing", "currency": "usd", "unit_amount": 5})
    assert exc.value.user_message == "No such product: 'prod_missing'"
    with pytest.raises(stripe.InvalidRequestError) as exc:
        client.v1.prices.create(
            params={"product": prod.id, "currency": "usd", "unit_amount": 5, "unit_amount_decimal": "5"}
        )
    assert exc.value.user_message == (
        "You may only specify one of these parameters: unit_amount, unit_amount_decimal."
    )
    with pytest.raises(stripe.InvalidRequestError) as exc:
        client.v1.prices.create(params={"currency": "usd", "unit_amount": 5})
    assert exc.value.user_message == (
        "You must specify either `product` or `product_data` when creating a price."
    )


def test_lookup_keys_are_unique_and_transfer(client):
    prod = make_product(client)
    key = unique("std")
    base = {"product": prod.id, "currency": "usd", "unit_amount": 500}
    first = client.v1.prices.create(params={**base, "lookup_key": key})
    with pytest.raises(stripe.InvalidRequestError) as exc:
        client.v1.prices.create(params={**base, "lookup_key": key})
    assert exc.value.param == "lookup_key"
    assert exc.value.user_message == f"A price (`{first.id}`) already uses that lookup key."
    second = client.v1.prices.create(params={**base, "lookup_key": key, "transfer_lookup_key": True})
    assert second.lookup_key == key
    assert client.v1.prices.retrieve(first.id).lookup_key is None
    found = client.v1.prices.list(params={"lookup_keys": [key]})
    assert [p.id for p in found.data] == [second.id]
    event = client.v1.events.list(params={"type": "price.updated", "limit": 1}).data[0]
    assert event.data.object.id == first.id
    assert event.data.previous_attributes.to_dict() == {"lookup_key": key}


def test_price_list_filters(client):
    prod = make_product(client)
    base = {"product": prod.id, "unit_amount": 100}
    monthly = client.v1.prices.create(params={**base, "currency": "usd", "recurring": {"interval": "month"}})
    once = client.v1.prices.create(params={**base, "currency": "usd"})
    yearly_eur = client.v1.prices.create(params={**base, "currency": "eur", "recurring": {"interval": "year"}})
    archived = client.v1.prices.create(params={**base, "currency": "usd", "active": False})

    def ids(**params):
        return [p.id for p in client.v1.prices.list(params={"product": prod.id, **params}).data]

    assert ids() == [yearly_eur.id, once.id, monthly.id]
    assert ids(active=False) == [archived.id]
    assert ids(type="one_time") == [once.id]
    assert ids(currency="eur") == [yearly_eur.id]
    assert ids(recurring={"interval": "month"}) == [monthly.id]
    page = client.v1.prices.list(params={"product": prod.id, "limit": 2})
    assert page.has_more is True
    rest = client.v1.prices.list(params={"product": prod.id, "limit": 2, "starting_after": page.data[-1].id})
    assert [p.id for p in rest.data] == [monthly.id]
    expanded = client.v1.prices.list(params={"product": prod.id, "limit": 1, "expand": ["data.product"]})
    assert expanded.data[0].product.id == prod.id


def test_catalog_events(client):
    prod = make_product(client, default_price_data={"currency": "usd", "unit_amount": 700})
    client.v1.products.update(prod.id, params={"description": "now described"})
    events = client.v1.events.list(params={"types": ["product.created", "product.updated", "price.created"], "limit": 10}).data
    mine = [e for e in events if prod.id in (e.data.object.id, e.data.object.to_dict().get("product"))]
    assert [e.type for e in mine] == ["product.updated", "price.created", "product.created"]
    assert mine[0].data.previous_attributes.to_dict()["description"] is None
