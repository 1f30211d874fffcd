"""Customers through stripe-python: every endpoint, metadata unsetting, deletion, lists."""

import uuid

import pytest
import stripe

from helpers import CUSTOMER_ID, assert_recent

ADDRESS = {
    "line1": "1 Main Street",
    "line2": "Apt 4",
    "city": "San Francisco",
    "state": "CA",
    "postal_code": "94105",
    "country": "US",
}


def test_create_with_all_common_fields(client, unique_email):
    cus = client.v1.customers.create(
        params={
            "email": unique_email,
            "name": "Jenny Rosen",
            "phone": "+14155550100",
            "description": "created by the python suite",
            "metadata": {"order_id": "6735", "tier": "gold"},
            "address": ADDRESS,
            "shipping": {
                "name": "Jenny Shipping",
                "phone": "+14155550199",
                "address": {"line1": "2 Dock Road", "city": "Oakland", "country": "US"},
            },
            "preferred_locales": ["fr-FR", "en"],
        }
    )
    assert isinstance(cus, stripe.Customer)
    assert CUSTOMER_ID.match(cus.id), cus.id
    assert cus.object == "customer"
    assert cus.livemode is False
    assert_recent(cus.created)
    assert cus.email == unique_email
    assert cus.name == "Jenny Rosen"
    assert cus.phone == "+14155550100"
    assert cus.description == "created by the python suite"
    assert cus.metadata.to_dict() == {"order_id": "6735", "tier": "gold"}
    assert cus.address.to_dict() == ADDRESS
    assert cus.shipping.name == "Jenny Shipping"
    assert cus.shipping.phone == "+14155550199"
    assert cus.shipping.address.line1 == "2 Dock Road"
    assert cus.shipping.address.city == "Oakland"
    assert cus.shipping.address.country == "US"
    assert cus.shipping.address.line2 is None
    assert cus.preferred_locales == ["fr-FR", "en"]
    # Defaults Stripe fills in.
    assert cus.balance == 0
    assert cus.delinquent is False
    assert cus.currency is None
    assert cus.default_source is None
    assert cus.tax_exempt == "none"
    assert cus.invoice_settings.default_payment_method is None


def test_create_empty_has_null_fields(client):
    cus = client.v1.customers.create()
    assert CUSTOMER_ID.match(cus.id), cus.id
    # Nullable fields are present with null, not omitted.
    raw = cus.to_dict()
    for field in ("email", "name", "phone", "description", "address", "shipping"):
        assert field in raw, field
        assert raw[field] is None, (field, raw[field])
    assert raw["metadata"] == {}


def test_ids_are_unique(client):
    ids = {client.v1.customers.create().id for _ in range(5)}
    assert len(ids) == 5


def test_retrieve(client, unique_email):
    created = client.v1.customers.create(
        params={"email": unique_email, "metadata": {"k": "v"}}
    )
    got = client.v1.customers.retrieve(created.id)
    assert got.id == created.id
    assert got.email == unique_email
    assert got.metadata.to_dict() == {"k": "v"}
    assert got.created == created.created


def test_retrieve_missing_is_404_resource_missing(client):
    with pytest.raises(stripe.InvalidRequestError) as exc:
        client.v1.customers.retrieve("cus_doesnotexist000")
    err = exc.value
    assert err.http_status == 404
    assert err.code == "resource_missing"
    assert err.param == "id"
    assert err.user_message == "No such customer: 'cus_doesnotexist000'"
    assert err.error.type == "invalid_request_error"


def test_update_fields(client, customer):
    updated = client.v1.customers.update(
        customer.id,
        params={
            "name": "New Name",
            "phone": "+33123456789",
            "address": {"line1": "9 Rue X", "city": "Paris", "country": "FR"},
        },
    )
    assert updated.id == customer.id
    assert updated.name == "New Name"
    assert updated.phone == "+33123456789"
    assert updated.address.line1 == "9 Rue X"
    assert updated.address.city == "Paris"
    assert updated.address.country == "FR"
    # Untouched fields survive.
    assert updated.email == customer.email
    again = client.v1.customers.retrieve(customer.id)
    assert again.name == "New Name"


def test_update_empty_string_clears_address_and_shipping(client, unique_email):
    cus = client.v1.customers.create(
        params={
            "email": unique_email,
            "address": ADDRESS,
            "shipping": {"name": "Ship", "address": {"line1": "2 Dock Road"}},
        }
    )
    assert cus.address.line1 == "1 Main Street"
    # Both are `Emptyable` in Stripe's API: `address=` and `shipping=` unset them.
    updated = client.v1.customers.update(cus.id, params={"address": "", "shipping": ""})
    assert updated.address is None
    assert updated.shipping is None
    again = client.v1.customers.retrieve(cus.id)
    assert again.address is None
    assert again.shipping is None


def test_metadata_merge_unset_key_and_clear_all(client, unique_email):
    cus = client.v1.customers.create(
        params={"email": unique_email, "metadata": {"a": "1", "b": "2"}}
    )
    # Updating metadata merges keys.
    cus = client.v1.customers.update(cus.id, params={"metadata": {"c": "3"}})
    assert cus.metadata.to_dict() == {"a": "1", "b": "2", "c": "3"}
    # `metadata[a]=` (python sends an empty string value) removes key a only.
    cus = client.v1.customers.update(cus.id, params={"metadata": {"a": ""}})
    assert cus.metadata.to_dict() == {"b": "2", "c": "3"}
    assert client.v1.customers.retrieve(cus.id).metadata.to_dict() == {"b": "2", "c": "3"}
    # `metadata=` (python sends metadata="" as an empty value) removes every key.
    cus = client.v1.customers.update(cus.id, params={"metadata": ""})
    assert cus.metadata.to_dict() == {}
    assert client.v1.customers.retrieve(cus.id).metadata.to_dict() == {}


def test_update_missing_customer_is_404(client):
    with pytest.raises(stripe.InvalidRequestError) as exc:
        client.v1.customers.update("cus_doesnotexist000", params={"name": "x"})
    assert exc.value.http_status == 404
    assert exc.value.code == "resource_missing"


def test_delete_then_retrieve_then_delete_again(client, unique_email):
    cus = client.v1.customers.create(params={"email": unique_email})
    deleted = client.v1.customers.delete(cus.id)
    assert deleted.id == cus.id
    assert deleted.object == "customer"
    assert deleted.deleted is True

    # Retrieving a deleted customer still works and says so.
    got = client.v1.customers.retrieve(cus.id)
    assert got.id == cus.id
    assert got.to_dict().get("deleted") is True

    # Deleting twice is a 404 on param `id`.
    with pytest.raises(stripe.InvalidRequestError) as exc:
        client.v1.customers.delete(cus.id)
    assert exc.value.http_status == 404
    assert exc.value.code == "resource_missing"
    assert exc.value.param == "id"

    # Deleted customers drop out of lists.
    listed = client.v1.customers.list(params={"email": unique_email})
    assert [c.id for c in listed.data] == []


def test_list_filters_by_email_newest_first(client, unique_email):
    first = client.v1.customers.create(params={"email": unique_email, "name": "first"})
    second = client.v1.customers.create(params={"email": unique_email, "name": "second"})
    other = client.v1.customers.create(params={"email": "other-" + unique_email})

    page = client.v1.customers.list(params={"email": unique_email})
    assert page.object == "list"
    assert page.url == "/v1/customers"
    assert page.has_more is False
    ids = [c.id for c in page.data]
    assert ids == [second.id, first.id]
    assert other.id not in ids
    assert all(isinstance(c, stripe.Customer) for c in page.data)


def test_list_limit_and_has_more(client, unique_email):
    made = [client.v1.customers.create(params={"email": unique_email}).id for _ in range(3)]
    page = client.v1.customers.list(params={"email": unique_email, "limit": 2})
    assert [c.id for c in page.data] == [made[2], made[1]]
    assert page.has_more is True
    nxt = client.v1.customers.list(
        params={"email": unique_email, "limit": 2, "starting_after": made[1]}
    )
    assert [c.id for c in nxt.data] == [made[0]]
    assert nxt.has_more is False


def test_list_default_limit_is_ten(client):
    email = f"py-ten-{uuid.uuid4().hex[:12]}@example.com"
    made = [client.v1.customers.create(params={"email": email}).id for _ in range(11)]
    page = client.v1.customers.list(params={"email": email})
    assert [c.id for c in page.data] == list(reversed(made))[:10]
    assert page.has_more is True


def test_list_has_more_false_on_exact_page(client):
    email = f"py-exact-{uuid.uuid4().hex[:12]}@example.com"
    made = [client.v1.customers.create(params={"email": email}).id for _ in range(4)]
    page = client.v1.customers.list(params={"email": email, "limit": 4})
    assert len(page.data) == 4
    assert page.has_more is False
    rest = client.v1.customers.list(params={"email": email, "limit": 2, "starting_after": made[2]})
    assert [c.id for c in rest.data] == [made[1], made[0]]
    assert rest.has_more is False


def test_list_created_filter(client, unique_email):
    cus = client.v1.customers.create(params={"email": unique_email})

    def ids(created):
        return [
            c.id
            for c in client.v1.customers.list(
                params={"email": unique_email, "created": created}
            ).data
        ]

    assert ids({"gte": cus.created}) == [cus.id]
    assert ids({"lte": cus.created}) == [cus.id]
    assert ids({"gt": cus.created}) == []
    assert ids({"lt": cus.created}) == []
    assert ids(cus.created) == [cus.id]


@pytest.fixture
def twenty_five(client):
    email = f"py-page-{uuid.uuid4().hex[:12]}@example.com"
    ids = [client.v1.customers.create(params={"email": email}).id for _ in range(25)]
    return email, ids


def test_auto_pagination_forward(client, twenty_five):
    email, ids = twenty_five
    page = client.v1.customers.list(params={"email": email, "limit": 10})
    assert len(page.data) == 10
    assert page.has_more is True
    seen = [c.id for c in page.auto_paging_iter()]
    assert len(seen) == 25, seen
    assert len(set(seen)) == 25, "duplicates across pages"
    assert set(seen) == set(ids)
    # Newest first: reverse creation order.
    assert seen == list(reversed(ids))


def test_auto_pagination_backward(client, twenty_five):
    email, ids = twenty_five
    # ending_before the oldest: the 10 customers created right after it, newest first.
    page = client.v1.customers.list(
        params={"email": email, "limit": 10, "ending_before": ids[0]}
    )
    assert [c.id for c in page.data] == list(reversed(ids[1:11]))
    assert page.has_more is True
    # stripe-python walks backwards (towards newer objects) and yields oldest first.
    seen = [c.id for c in page.auto_paging_iter()]
    assert seen == ids[1:]


def test_module_level_api_base(secret_key, base_url, unique_email):
    """The classic global configuration (`stripe.api_base`) works the same way."""
    saved = (stripe.api_key, stripe.api_base)
    stripe.api_key, stripe.api_base = secret_key, base_url
    try:
        cus = stripe.Customer.create(email=unique_email, metadata={"x": "1"})
        assert CUSTOMER_ID.match(cus.id)
        cus = stripe.Customer.modify(cus.id, name="Global", metadata={"x": ""})
        assert cus.name == "Global"
        assert cus.metadata.to_dict() == {}
        assert stripe.Customer.retrieve(cus.id).name == "Global"
        listed = stripe.Customer.list(email=unique_email)
        assert [c.id for c in listed.data] == [cus.id]
        deleted = cus.delete()
        assert deleted.deleted is True
    finally:
        stripe.api_key, stripe.api_base = saved


def test_email_filter_is_case_sensitive(client, unique_email):
    cus = client.v1.customers.create(params={"email": unique_email})
    assert [c.id for c in client.v1.customers.list(params={"email": unique_email}).data] == [cus.id]
    assert client.v1.customers.list(params={"email": unique_email.upper()}).data == []


def test_create_with_payment_method_attaches_it(client):
    cus = client.v1.customers.create(params={"payment_method": "pm_card_visa"})
    pms = client.v1.customers.payment_methods.list(cus.id)
    assert len(pms.data) == 1
    assert pms.data[0].id != "pm_card_visa"
    assert pms.data[0].card.brand == "visa"
    assert pms.data[0].customer == cus.id


def test_default_payment_method_and_expand(client, customer):
    pm = client.v1.payment_methods.attach("pm_card_mastercard", params={"customer": customer.id})
    cus = client.v1.customers.update(
        customer.id, params={"invoice_settings": {"default_payment_method": pm.id}}
    )
    assert cus.invoice_settings.default_payment_method == pm.id
    expanded = client.v1.customers.retrieve(
        customer.id, params={"expand": ["invoice_settings.default_payment_method"]}
    )
    assert isinstance(expanded.invoice_settings.default_payment_method, stripe.PaymentMethod)
    assert expanded.invoice_settings.default_payment_method.id == pm.id
    assert expanded.invoice_settings.default_payment_method.card.last4 == "4444"
    cleared = client.v1.customers.update(
        customer.id, params={"invoice_settings": {"default_payment_method": ""}}
    )
    assert cleared.invoice_settings.default_payment_method is None


def test_expand_unknown_property_is_rejected(client, customer):
    with pytest.raises(stripe.InvalidRequestError) as exc:
        client.v1.customers.retrieve(customer.id, params={"expand": ["nonsense"]})
    assert exc.value.http_status == 400
    assert "nonsense" in exc.value.user_message
