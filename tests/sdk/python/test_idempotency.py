"""Idempotency-Key behaviour: replays, mismatches, per-account scope."""

import uuid

import pytest
import stripe

from helpers import header


def new_key():
    return f"py-idem-{uuid.uuid4()}"


def test_replay_returns_same_object(client, unique_email):
    key = new_key()
    params = {"email": unique_email, "metadata": {"n": "1"}}
    first = client.v1.customers.create(params=params, options={"idempotency_key": key})
    second = client.v1.customers.create(params=params, options={"idempotency_key": key})
    assert second.id == first.id
    assert second.to_dict() == first.to_dict()
    assert header(first, "Idempotent-Replayed") in (None, "false")
    assert header(second, "Idempotent-Replayed") == "true"
    assert second.last_response.idempotency_key == key
    # The replay names the request that produced the saved response.
    assert header(second, "Original-Request") == first.last_response.request_id
    # A replay is a new request with its own id.
    assert second.last_response.request_id != first.last_response.request_id
    # Only one customer exists.
    listed = client.v1.customers.list(params={"email": unique_email})
    assert [c.id for c in listed.data] == [first.id]


def test_sdk_generated_keys_do_not_collide(client, unique_email):
    # The SDK adds a fresh Idempotency-Key to every POST; two calls are two objects.
    a = client.v1.customers.create(params={"email": unique_email})
    b = client.v1.customers.create(params={"email": unique_email})
    assert a.id != b.id
    assert a.last_response.idempotency_key
    assert a.last_response.idempotency_key != b.last_response.idempotency_key
    assert header(b, "Idempotent-Replayed") in (None, "false")


def test_same_key_different_params_is_idempotency_error(client, unique_email):
    key = new_key()
    client.v1.customers.create(params={"email": unique_email}, options={"idempotency_key": key})
    with pytest.raises(stripe.IdempotencyError) as exc:
        client.v1.customers.create(
            params={"email": "x" + unique_email}, options={"idempotency_key": key}
        )
    err = exc.value
    assert err.http_status == 400
    assert err.error.type == "idempotency_error"
    assert key in err.user_message
    assert client.v1.customers.list(params={"email": "x" + unique_email}).data == []


def test_same_key_other_endpoint_is_idempotency_error(client, unique_email):
    key = new_key()
    cus = client.v1.customers.create(
        params={"email": unique_email}, options={"idempotency_key": key}
    )
    with pytest.raises(stripe.IdempotencyError) as exc:
        client.v1.customers.update(
            cus.id, params={"name": "changed"}, options={"idempotency_key": key}
        )
    assert exc.value.http_status == 400
    assert client.v1.customers.retrieve(cus.id).name is None


def test_replay_of_update(client, customer):
    key = new_key()
    first = client.v1.customers.update(
        customer.id, params={"metadata": {"v": "1"}}, options={"idempotency_key": key}
    )
    client.v1.customers.update(customer.id, params={"metadata": {"v": "2"}})
    replay = client.v1.customers.update(
        customer.id, params={"metadata": {"v": "1"}}, options={"idempotency_key": key}
    )
    # The saved response is replayed; the request is not executed again.
    assert header(replay, "Idempotent-Replayed") == "true"
    assert replay.metadata.to_dict() == first.metadata.to_dict() == {"v": "1"}
    assert client.v1.customers.retrieve(customer.id).metadata.to_dict() == {"v": "2"}


def test_keys_are_scoped_per_account(client, client2, unique_email):
    key = new_key()
    mine = client.v1.customers.create(
        params={"email": unique_email}, options={"idempotency_key": key}
    )
    theirs = client2.v1.customers.create(
        params={"email": "other-" + unique_email}, options={"idempotency_key": key}
    )
    assert theirs.id != mine.id
    assert theirs.email == "other-" + unique_email
    assert header(theirs, "Idempotent-Replayed") in (None, "false")


def test_concurrent_requests_with_one_key_make_one_object(client, unique_email):
    """Racing requests with one key: one executes; each other one either replays it or gets
    409 idempotency_key_in_use (StripeClient does not retry by default). Never two customers."""
    from concurrent.futures import ThreadPoolExecutor

    key = new_key()

    def create(_):
        try:
            return client.v1.customers.create(
                params={"email": unique_email}, options={"idempotency_key": key}
            ).id
        except stripe.APIError as err:
            assert err.http_status == 409, err
            assert err.error.code == "idempotency_key_in_use", err.json_body
            return None

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(create, range(8)))
    ids = {r for r in results if r is not None}
    assert len(ids) == 1, results
    listed = client.v1.customers.list(params={"email": unique_email})
    assert [c.id for c in listed.data] == list(ids)
    # Once the first request is done, the key replays.
    again = client.v1.customers.create(
        params={"email": unique_email}, options={"idempotency_key": key}
    )
    assert again.id in ids
    assert header(again, "Idempotent-Replayed") == "true"


def test_concurrent_distinct_creates(client, unique_email):
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=8) as pool:
        ids = list(
            pool.map(
                lambda i: client.v1.customers.create(
                    params={"email": unique_email, "metadata": {"i": str(i)}}
                ).id,
                range(30),
            )
        )
    assert len(set(ids)) == 30
    listed = client.v1.customers.list(params={"email": unique_email, "limit": 100})
    assert sorted(c.id for c in listed.data) == sorted(ids)
