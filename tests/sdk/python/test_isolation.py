"""Two accounts on one server never see each other's objects."""

import pytest
import stripe


def test_other_account_cannot_read_customer(client, client2, customer):
    with pytest.raises(stripe.InvalidRequestError) as exc:
        client2.v1.customers.retrieve(customer.id)
    assert exc.value.http_status == 404
    assert exc.value.code == "resource_missing"
    assert exc.value.param == "id"


def test_other_account_cannot_update_or_delete(client, client2, customer):
    with pytest.raises(stripe.InvalidRequestError) as exc:
        client2.v1.customers.update(customer.id, params={"name": "hijacked"})
    assert exc.value.http_status == 404
    with pytest.raises(stripe.InvalidRequestError) as exc:
        client2.v1.customers.delete(customer.id)
    assert exc.value.http_status == 404
    got = client.v1.customers.retrieve(customer.id)
    assert got.name == "Fixture Customer"
    assert not got.to_dict().get("deleted")


def test_other_account_lists_do_not_show_customer(client, client2, customer):
    assert client2.v1.customers.list(params={"email": customer.email}).data == []
    everything = [c.id for c in client2.v1.customers.list(params={"limit": 100}).auto_paging_iter()]
    assert customer.id not in everything
    assert [c.id for c in client.v1.customers.list(params={"email": customer.email}).data] == [
        customer.id
    ]


def test_other_account_cannot_use_payment_method(client, client2, customer, visa_pm):
    client.v1.payment_methods.attach(visa_pm.id, params={"customer": customer.id})
    with pytest.raises(stripe.InvalidRequestError) as exc:
        client2.v1.payment_methods.retrieve(visa_pm.id)
    assert exc.value.http_status == 404
    mine = client2.v1.customers.create(params={"email": "iso-" + customer.email})
    with pytest.raises(stripe.InvalidRequestError) as exc:
        client2.v1.payment_methods.attach(visa_pm.id, params={"customer": mine.id})
    assert exc.value.http_status == 404
    with pytest.raises(stripe.InvalidRequestError) as exc:
        client2.v1.customers.payment_methods.list(customer.id, params={"type": "card"})
    assert exc.value.http_status == 404
