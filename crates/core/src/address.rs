//! Addresses, billing details and shipping details, shared by several resources.
//!
//! Each type renders exactly as Stripe does: every field is present, `null` when unset, so
//! SDKs that model these objects with required keys deserialize them. Each has a reader for
//! request parameters that names errors with the full parameter name
//! (`billing_details[address][bogus]`), and an update form (`…Update`) for endpoints that
//! merge a partial change into a stored value: Stripe keeps the fields a request leaves out
//! and clears the ones sent empty.

use serde::{Deserialize, Serialize};
use tender_wire::{ApiError, Field, Params};

/// A postal address. All fields are optional in Stripe's model.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Address {
    pub city: Option<String>,
    pub country: Option<String>,
    pub line1: Option<String>,
    pub line2: Option<String>,
    pub postal_code: Option<String>,
    pub state: Option<String>,
}

impl Address {
    /// Reads `key[city]`, `key[line1]`, … as a whole new address. `None` when absent; an
    /// empty `key=` also reads as `None` (nothing to store).
    pub fn take(p: &mut Params, key: &str) -> Result<Option<Address>, ApiError> {
        Ok(Address::take_field(p, key)?.set())
    }

    /// Like [`Address::take`], but tells `key=` (clear the stored address) apart from absence.
    pub fn take_field(p: &mut Params, key: &str) -> Result<Field<Address>, ApiError> {
        Ok(match AddressUpdate::take(p, key)? {
            Field::Absent => Field::Absent,
            Field::Clear => Field::Clear,
            Field::Set(update) => Field::Set(update.into_address()),
        })
    }
}

/// A partial change to an [`Address`]: absent fields are kept, empty ones cleared.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AddressUpdate {
    pub city: Field<String>,
    pub country: Field<String>,
    pub line1: Field<String>,
    pub line2: Field<String>,
    pub postal_code: Field<String>,
    pub state: Field<String>,
}

impl AddressUpdate {
    /// Reads the nested object `key`, refusing unknown sub-parameters.
    pub fn take(p: &mut Params, key: &str) -> Result<Field<AddressUpdate>, ApiError> {
        Ok(match p.object_field(key)? {
            Field::Absent => Field::Absent,
            Field::Clear => Field::Clear,
            Field::Set(nested) => Field::Set(AddressUpdate::read(nested)?),
        })
    }

    fn read(mut p: Params) -> Result<AddressUpdate, ApiError> {
        let update = AddressUpdate {
            city: p.string_field("city")?,
            country: p.string_field("country")?,
            line1: p.string_field("line1")?,
            line2: p.string_field("line2")?,
            postal_code: p.string_field("postal_code")?,
            state: p.string_field("state")?,
        };
        p.finish()?;
        Ok(update)
    }

    /// Merges the change into `address`.
    pub fn apply(&self, address: &mut Address) {
        merge(&mut address.city, &self.city);
        merge(&mut address.country, &self.country);
        merge(&mut address.line1, &self.line1);
        merge(&mut address.line2, &self.line2);
        merge(&mut address.postal_code, &self.postal_code);
        merge(&mut address.state, &self.state);
    }

    /// The change applied to an empty address.
    pub fn into_address(self) -> Address {
        let mut address = Address::default();
        self.apply(&mut address);
        address
    }
}

/// Billing details of a payment method or charge.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct BillingDetails {
    /// Always rendered as an object, with `null` fields when unknown, as Stripe does.
    pub address: Address,
    pub email: Option<String>,
    pub name: Option<String>,
    pub phone: Option<String>,
    pub tax_id: Option<String>,
}

impl BillingDetails {
    /// Reads `key[name]`, `key[address][line1]`, … as new billing details (on create).
    /// `None` when the parameter is absent or sent empty.
    pub fn take(p: &mut Params, key: &str) -> Result<Option<BillingDetails>, ApiError> {
        Ok(match BillingDetailsUpdate::take(p, key)? {
            Field::Set(update) => {
                let mut details = BillingDetails::default();
                update.apply(&mut details);
                Some(details)
            }
            Field::Absent | Field::Clear => None,
        })
    }
}

/// A partial change to [`BillingDetails`]; `address` merges field by field.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BillingDetailsUpdate {
    pub address: Field<AddressUpdate>,
    pub email: Field<String>,
    pub name: Field<String>,
    pub phone: Field<String>,
    pub tax_id: Field<String>,
}

impl BillingDetailsUpdate {
    /// Reads the nested object `key`; `key=` is `Field::Clear` (reset every field).
    pub fn take(p: &mut Params, key: &str) -> Result<Field<BillingDetailsUpdate>, ApiError> {
        let mut nested = match p.object_field(key)? {
            Field::Absent => return Ok(Field::Absent),
            Field::Clear => return Ok(Field::Clear),
            Field::Set(nested) => nested,
        };
        let update = BillingDetailsUpdate {
            address: AddressUpdate::take(&mut nested, "address")?,
            email: nested.string_field("email")?,
            name: nested.string_field("name")?,
            phone: nested.string_field("phone")?,
            tax_id: nested.string_field("tax_id")?,
        };
        nested.finish()?;
        Ok(Field::Set(update))
    }

    /// Merges the change into `details`.
    pub fn apply(&self, details: &mut BillingDetails) {
        match &self.address {
            Field::Absent => {}
            Field::Clear => details.address = Address::default(),
            Field::Set(update) => update.apply(&mut details.address),
        }
        merge(&mut details.email, &self.email);
        merge(&mut details.name, &self.name);
        merge(&mut details.phone, &self.phone);
        merge(&mut details.tax_id, &self.tax_id);
    }
}

/// Shipping details of a customer or payment intent.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Shipping {
    pub address: Address,
    /// Only payment intents take a carrier; customers render it as `null`.
    pub carrier: Option<String>,
    pub name: String,
    pub phone: Option<String>,
    /// Only payment intents take a tracking number; customers render it as `null`.
    pub tracking_number: Option<String>,
}

impl Shipping {
    /// Reads the nested object `key`: `key=` clears stored shipping. `name` and `address` are
    /// required (`parameter_missing` naming `key[name]`); payment intents also require
    /// `address[line1]` (`require_line1`), customers do not.
    pub fn take_field(
        p: &mut Params,
        key: &str,
        require_line1: bool,
    ) -> Result<Field<Shipping>, ApiError> {
        let mut nested = match p.object_field(key)? {
            Field::Absent => return Ok(Field::Absent),
            Field::Clear => return Ok(Field::Clear),
            Field::Set(nested) => nested,
        };
        let address = Address::take(&mut nested, "address")?
            .ok_or_else(|| ApiError::missing_parameter(&nested.name("address")))?;
        if require_line1 && address.line1.is_none() {
            let param = format!("{}[line1]", nested.name("address"));
            return Err(ApiError::missing_parameter(&param));
        }
        let shipping = Shipping {
            address,
            carrier: nested.string_field("carrier")?.set(),
            name: nested.required_string("name")?,
            phone: nested.string_field("phone")?.set(),
            tracking_number: nested.string_field("tracking_number")?.set(),
        };
        nested.finish()?;
        Ok(Field::Set(shipping))
    }

    /// Like [`Shipping::take_field`] where clearing makes no sense (on create).
    pub fn take(
        p: &mut Params,
        key: &str,
        require_line1: bool,
    ) -> Result<Option<Shipping>, ApiError> {
        Ok(Shipping::take_field(p, key, require_line1)?.set())
    }
}

/// Applies one field of an update: absent keeps, empty clears, a value replaces.
fn merge(slot: &mut Option<String>, field: &Field<String>) {
    match field {
        Field::Absent => {}
        Field::Clear => *slot = None,
        Field::Set(value) => *slot = Some(value.clone()),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use serde_json::json;

    fn params(s: &str) -> Params {
        Params::from_form(s.as_bytes()).unwrap()
    }

    #[test]
    fn billing_details_render_every_key_as_null() {
        let json = serde_json::to_value(BillingDetails::default()).unwrap();
        assert_eq!(
            json,
            json!({
                "address": {"city": null, "country": null, "line1": null, "line2": null,
                            "postal_code": null, "state": null},
                "email": null, "name": null, "phone": null, "tax_id": null
            })
        );
    }

    #[test]
    fn reads_billing_details_and_names_unknown_nested_params() {
        let mut p = params(
            "billing_details[name]=Jo&billing_details[address][line1]=1+Main&\
             billing_details[address][postal_code]=94105",
        );
        let details = BillingDetails::take(&mut p, "billing_details")
            .unwrap()
            .unwrap();
        assert_eq!(details.name.as_deref(), Some("Jo"));
        assert_eq!(details.address.line1.as_deref(), Some("1 Main"));
        assert_eq!(details.address.postal_code.as_deref(), Some("94105"));
        p.finish().unwrap();

        let mut p = params("billing_details[address][bogus]=1");
        let err = BillingDetails::take(&mut p, "billing_details").unwrap_err();
        assert_eq!(err.code.as_deref(), Some("parameter_unknown"));
        assert_eq!(
            err.param.as_deref(),
            Some("billing_details[address][bogus]")
        );

        let mut p = params("billing_details[nickname]=x");
        let err = BillingDetails::take(&mut p, "billing_details").unwrap_err();
        assert_eq!(err.param.as_deref(), Some("billing_details[nickname]"));
    }

    #[test]
    fn billing_update_merges_and_clears() {
        let mut details = BillingDetails {
            name: Some("Old".into()),
            email: Some("a@example.com".into()),
            address: Address {
                line1: Some("1 Main".into()),
                city: Some("SF".into()),
                ..Address::default()
            },
            ..BillingDetails::default()
        };
        let mut p = params(
            "billing_details[name]=New&billing_details[email]=&billing_details[address][city]=LA",
        );
        let Field::Set(update) = BillingDetailsUpdate::take(&mut p, "billing_details").unwrap()
        else {
            panic!("expected an update")
        };
        update.apply(&mut details);
        assert_eq!(details.name.as_deref(), Some("New"));
        assert_eq!(details.email, None);
        assert_eq!(details.address.line1.as_deref(), Some("1 Main"));
        assert_eq!(details.address.city.as_deref(), Some("LA"));
    }

    #[test]
    fn shipping_requires_name_and_address() {
        let err = Shipping::take(&mut params("shipping[name]=Jo"), "shipping", false).unwrap_err();
        assert_eq!(err.code.as_deref(), Some("parameter_missing"));
        assert_eq!(err.param.as_deref(), Some("shipping[address]"));

        let err = Shipping::take(&mut params("shipping[address][city]=SF"), "shipping", false)
            .unwrap_err();
        assert_eq!(err.param.as_deref(), Some("shipping[name]"));

        let err = Shipping::take(
            &mut params("shipping[name]=Jo&shipping[address][city]=SF"),
            "shipping",
            true,
        )
        .unwrap_err();
        assert_eq!(err.param.as_deref(), Some("shipping[address][line1]"));

        let mut p = params("shipping[name]=Jo&shipping[address][line1]=1+Main&shipping[phone]=1");
        let shipping = Shipping::take(&mut p, "shipping", true).unwrap().unwrap();
        assert_eq!(shipping.name, "Jo");
        assert_eq!(shipping.phone.as_deref(), Some("1"));
        let json = serde_json::to_value(&shipping).unwrap();
        assert_eq!(json["carrier"], json!(null));
        assert_eq!(json["address"]["line2"], json!(null));
        assert_eq!(serde_json::from_value::<Shipping>(json).unwrap(), shipping);

        assert!(matches!(
            Shipping::take_field(&mut params("shipping="), "shipping", false).unwrap(),
            Field::Clear
        ));
    }
}
