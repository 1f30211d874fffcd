//! What each searchable resource lets a query name, declared once per resource.
//!
//! Stripe documents a table of query fields per resource ("Query fields for customers", …):
//! each field's type says which operators it takes. Every searchable resource also takes
//! `metadata['key']`, so metadata is not declared here. To make a resource searchable, declare
//! its [`Searchable`] below and add its one `.route(…)` line to the server's
//! `routes/search.rs`.

/// How a field is compared (Stripe's field types).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FieldType {
    /// Free text: `:` is a case-insensitive exact match; `~` (where allowed) a substring.
    String,
    /// An identifier-like value (`status`, `type`): `:` is a case-sensitive exact match.
    Token,
    /// An integer (amounts, Unix timestamps): `:` and `>` `>=` `<` `<=`.
    Numeric,
    /// `true` or `false`.
    Boolean,
}

/// One field a query may name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SearchField {
    /// The name in the query (`email`, `payment_method_details.card.last4`).
    pub name: &'static str,
    /// Where it is in the object's JSON body.
    pub path: &'static [&'static str],
    pub ty: FieldType,
    /// Whether `~` (substring) is allowed on it.
    pub substring: bool,
}

/// A searchable resource: the name Stripe's messages use and its fields.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Searchable {
    /// The URL segment (`customers`, `payment_intents`).
    pub resource: &'static str,
    /// Its objects' `object` (`customer`), the kind the store files them under.
    pub object: &'static str,
    /// `/v1/<resource>/search`.
    pub url: &'static str,
    pub fields: &'static [SearchField],
}

impl Searchable {
    pub fn field(&self, name: &str) -> Option<&'static SearchField> {
        self.fields.iter().find(|field| field.name == name)
    }
}

const fn field(name: &'static str, path: &'static [&'static str], ty: FieldType) -> SearchField {
    SearchField {
        name,
        path,
        ty,
        substring: false,
    }
}

/// A string field that also takes `~`.
const fn text(name: &'static str, path: &'static [&'static str]) -> SearchField {
    SearchField {
        name,
        path,
        ty: FieldType::String,
        substring: true,
    }
}

use FieldType::{Boolean, Numeric, String, Token};

pub const CHARGES: Searchable = Searchable {
    resource: "charges",
    object: "charge",
    url: "/v1/charges/search",
    fields: &[
        field("amount", &["amount"], Numeric),
        field(
            "billing_details.address.postal_code",
            &["billing_details", "address", "postal_code"],
            String,
        ),
        field("created", &["created"], Numeric),
        field("currency", &["currency"], String),
        field("customer", &["customer"], String),
        field("disputed", &["disputed"], Boolean),
        field(
            "payment_method_details.card.last4",
            &["payment_method_details", "card", "last4"],
            String,
        ),
        field(
            "payment_method_details.card_present.last4",
            &["payment_method_details", "card_present", "last4"],
            String,
        ),
        field(
            "payment_method_details.interac_present.last4",
            &["payment_method_details", "interac_present", "last4"],
            String,
        ),
        field("payment_intent", &["payment_intent"], String),
        field("refunded", &["refunded"], Boolean),
        field("status", &["status"], Token),
    ],
};

pub const CUSTOMERS: Searchable = Searchable {
    resource: "customers",
    object: "customer",
    url: "/v1/customers/search",
    fields: &[
        field("created", &["created"], Numeric),
        text("email", &["email"]),
        text("name", &["name"]),
        text("phone", &["phone"]),
    ],
};

pub const PAYMENT_INTENTS: Searchable = Searchable {
    resource: "payment_intents",
    object: "payment_intent",
    url: "/v1/payment_intents/search",
    fields: &[
        field("amount", &["amount"], Numeric),
        field("created", &["created"], Numeric),
        field("currency", &["currency"], String),
        field("customer", &["customer"], String),
        field("status", &["status"], Token),
    ],
};

pub const PRICES: Searchable = Searchable {
    resource: "prices",
    object: "price",
    url: "/v1/prices/search",
    fields: &[
        field("active", &["active"], Boolean),
        field("currency", &["currency"], String),
        field("lookup_key", &["lookup_key"], String),
        field("product", &["product"], String),
        field("type", &["type"], Token),
    ],
};

pub const PRODUCTS: Searchable = Searchable {
    resource: "products",
    object: "product",
    url: "/v1/products/search",
    fields: &[
        field("active", &["active"], Boolean),
        text("description", &["description"]),
        text("name", &["name"]),
        field("shippable", &["shippable"], Boolean),
        field("url", &["url"], String),
    ],
};

/// Declared ahead of their routes: the Billing resources add `GET …/search` when they land.
pub const SUBSCRIPTIONS: Searchable = Searchable {
    resource: "subscriptions",
    object: "subscription",
    url: "/v1/subscriptions/search",
    fields: &[
        field("created", &["created"], Numeric),
        field("status", &["status"], Token),
    ],
};

pub const INVOICES: Searchable = Searchable {
    resource: "invoices",
    object: "invoice",
    url: "/v1/invoices/search",
    fields: &[
        field("created", &["created"], Numeric),
        field("currency", &["currency"], String),
        field("customer", &["customer"], String),
        field(
            "last_finalization_error_code",
            &["last_finalization_error", "code"],
            Token,
        ),
        field(
            "last_finalization_error_type",
            &["last_finalization_error", "type"],
            Token,
        ),
        field("number", &["number"], String),
        field("receipt_number", &["receipt_number"], String),
        field("status", &["status"], Token),
        field("subscription", &["subscription"], String),
        field("total", &["total"], Numeric),
    ],
};
