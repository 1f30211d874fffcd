"""Search through stripe-python: `stripe.Customer.search` and its auto-pagination over
`next_page`, a query combining operators, and a malformed query's error."""

import uuid

import pytest
import stripe


def test_customer_search_pages_through_every_match(secret_key, base_url):
    tag = uuid.uuid4().hex[:12]
    saved = (stripe.api_key, stripe.api_base)
    stripe.api_key, stripe.api_base = secret_key, base_url
    try:
        made = [
            stripe.Customer.create(name=f"Searcher {i}", metadata={"run": tag, "i": str(i)}).id
            for i in range(5)
        ]
        stripe.Customer.create(name="Bystander", metadata={"run": "other"})

        page = stripe.Customer.search(query=f"metadata['run']:'{tag}'", limit=2)
        assert page.object == "search_result"
        assert page.url == "/v1/customers/search"
        assert page.has_more is True
        assert page.next_page
        assert [c.id for c in page.data] == made[::-1][:2]
        # The SDK follows `next_page` until `has_more` is false: newest first, all five.
        assert [c.id for c in page.auto_paging_iter()] == made[::-1]

        narrowed = stripe.Customer.search(
            query=f"metadata['run']:'{tag}' AND -metadata['i']:'0' AND name~'searcher'",
            expand=["total_count"],
        )
        assert narrowed.total_count == 4
        assert [c.id for c in narrowed.data] == made[:0:-1]

        with pytest.raises(stripe.InvalidRequestError) as caught:
            stripe.Customer.search(query="name:'a' AND name:'b' OR name:'c'")
        assert caught.value.http_status == 400
        assert caught.value.param == "query"
    finally:
        stripe.api_key, stripe.api_base = saved
