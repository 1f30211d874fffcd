//! The Customer resource (spec §6.2).

use serde::{Deserialize, Serialize};
use serde_json::Value;
use tender_wire::{ApiError, Field, Metadata, MetadataUpdate, Params};

use crate::Timestamp;
use crate::address::{Address, Shipping};

/// A customer, rendered with the full key set of the API version Tender speaks.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Customer {
    pub id: String,
    pub object: String,
    pub address: Option<Address>,
    pub balance: i64,
    pub created: Timestamp,
    pub currency: Option<String>,
    pub default_source: Option<String>,
    pub delinquent: bool,
    pub description: Option<String>,
    pub discount: Option<Value>,
    pub email: Option<String>,
    pub invoice_prefix: String,
    pub invoice_settings: InvoiceSettings,
    pub livemode: bool,
    pub metadata: Metadata,
    pub name: Option<String>,
    pub next_invoice_sequence: i64,
    pub phone: Option<String>,
    pub preferred_locales: Vec<String>,
    pub shipping: Option<Shipping>,
    pub tax_exempt: String,
    pub test_clock: Option<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct InvoiceSettings {
    pub custom_fields: Option<Value>,
    pub default_payment_method: Option<String>,
    pub footer: Option<String>,
    pub rendering_options: Option<Value>,
}

/// What a deleted customer reads as: `{"id", "object", "deleted": true}`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DeletedCustomer {
    pub id: String,
    pub object: String,
    pub deleted: bool,
}

impl Customer {
    /// A payment method of this customer's was detached: it stops being the default for
    /// invoices, as on Stripe. Says whether anything changed.
    pub fn forget_payment_method(&mut self, payment_method: &str) -> bool {
        let settings = &mut self.invoice_settings;
        if settings.default_payment_method.as_deref() != Some(payment_method) {
            return false;
        }
        settings.default_payment_method = None;
        true
    }

    /// A new customer with no details; `invoice_prefix` is derived from the id so it is stable.
    pub fn new(id: String, now: Timestamp) -> Customer {
        let invoice_prefix = id
            .trim_start_matches("cus_")
            .chars()
            .filter(char::is_ascii_alphanumeric)
            .take(8)
            .collect::<String>()
            .to_ascii_uppercase();
        Customer {
            id,
            object: "customer".to_owned(),
            address: None,
            balance: 0,
            created: now,
            currency: None,
            default_source: None,
            delinquent: false,
            description: None,
            discount: None,
            email: None,
            invoice_prefix,
            invoice_settings: InvoiceSettings::default(),
            livemode: false,
            metadata: Metadata::new(),
            name: None,
            next_invoice_sequence: 1,
            phone: None,
            preferred_locales: Vec::new(),
            shipping: None,
            tax_exempt: "none".to_owned(),
            test_clock: None,
        }
    }

    pub fn deleted(&self) -> DeletedCustomer {
        DeletedCustomer {
            id: self.id.clone(),
            object: "customer".to_owned(),
            deleted: true,
        }
    }
}

/// The fields create and update both take. `payment_method` (create only) and
/// `invoice_settings[default_payment_method]` name payment methods the caller resolves.
#[derive(Clone, Debug, Default)]
pub struct CustomerChanges {
    pub address: Option<Field<Address>>,
    pub balance: Option<i64>,
    pub description: Option<Field<String>>,
    pub email: Option<Field<String>>,
    pub name: Option<Field<String>>,
    pub phone: Option<Field<String>>,
    pub metadata: Option<MetadataUpdate>,
    pub preferred_locales: Option<Vec<String>>,
    pub shipping: Option<Field<Shipping>>,
    pub tax_exempt: Option<Field<String>>,
    pub default_payment_method: Option<Field<String>>,
    pub invoice_footer: Option<Field<String>>,
}

const TAX_EXEMPT: &[&str] = &["none", "exempt", "reverse"];

impl CustomerChanges {
    /// Takes the shared customer parameters from `p`.
    pub fn take(p: &mut Params) -> Result<CustomerChanges, ApiError> {
        let mut changes = CustomerChanges {
            address: present(Address::take_field(p, "address")?),
            balance: p.integer("balance")?,
            description: present(p.string_field("description")?),
            email: present(p.string_field("email")?),
            name: present(p.string_field("name")?),
            phone: present(p.string_field("phone")?),
            metadata: p.metadata("metadata")?,
            preferred_locales: p.string_list("preferred_locales")?,
            shipping: present(Shipping::take_field(p, "shipping", false)?),
            tax_exempt: present(p.enumeration_field("tax_exempt", TAX_EXEMPT)?),
            default_payment_method: None,
            invoice_footer: None,
        };
        if let Some(Field::Set(email)) = &changes.email
            && !looks_like_email(email)
        {
            return Err(
                ApiError::invalid_request(format!("Invalid email address: {email}"))
                    .with_param("email"),
            );
        }
        match p.object_field("invoice_settings")? {
            Field::Absent => {}
            Field::Clear => {
                changes.default_payment_method = Some(Field::Clear);
                changes.invoice_footer = Some(Field::Clear);
            }
            Field::Set(mut settings) => {
                changes.default_payment_method =
                    present(settings.string_field("default_payment_method")?);
                changes.invoice_footer = present(settings.string_field("footer")?);
                // Accepted for compatibility; invoices are not simulated.
                settings.ignore(&["custom_fields", "rendering_options"]);
                settings.finish()?;
            }
        }
        Ok(changes)
    }

    /// Applies the changes. `default_payment_method` is applied as given: the caller has
    /// checked that it is attached to this customer.
    pub fn apply(self, customer: &mut Customer) -> Result<(), ApiError> {
        if let Some(address) = self.address {
            customer.address = address.set();
        }
        if let Some(balance) = self.balance {
            customer.balance = balance;
        }
        set(&mut customer.description, self.description);
        set(&mut customer.email, self.email);
        set(&mut customer.name, self.name);
        set(&mut customer.phone, self.phone);
        if let Some(metadata) = self.metadata {
            metadata.apply(&mut customer.metadata, "metadata")?;
        }
        if let Some(locales) = self.preferred_locales {
            customer.preferred_locales = locales;
        }
        if let Some(shipping) = self.shipping {
            customer.shipping = shipping.set();
        }
        if let Some(tax_exempt) = self.tax_exempt {
            customer.tax_exempt = tax_exempt.set().unwrap_or_else(|| "none".to_owned());
        }
        set(
            &mut customer.invoice_settings.default_payment_method,
            self.default_payment_method,
        );
        set(&mut customer.invoice_settings.footer, self.invoice_footer);
        Ok(())
    }
}

fn present<T>(field: Field<T>) -> Option<Field<T>> {
    (!field.is_absent()).then_some(field)
}

fn set(target: &mut Option<String>, field: Option<Field<String>>) {
    if let Some(field) = field {
        *target = field.set();
    }
}

/// Stripe refuses obviously malformed addresses; it does not check deliverability.
fn looks_like_email(email: &str) -> bool {
    match email.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty() && !domain.is_empty() && !email.contains(char::is_whitespace)
        }
        None => false,
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn changes(form: &str) -> Result<CustomerChanges, ApiError> {
        let mut p = Params::from_form(form.as_bytes()).unwrap();
        let changes = CustomerChanges::take(&mut p)?;
        p.finish()?;
        Ok(changes)
    }

    #[test]
    fn create_sets_fields_and_update_clears_them() {
        let mut customer = Customer::new("cus_abc123XYZ9".into(), 10);
        assert_eq!(customer.invoice_prefix, "ABC123XY");
        changes("email=jo%40example.com&name=Jo&metadata[a]=1&metadata[b]=2")
            .unwrap()
            .apply(&mut customer)
            .unwrap();
        assert_eq!(customer.email.as_deref(), Some("jo@example.com"));
        assert_eq!(customer.metadata.len(), 2);
        changes("name=&metadata[a]=")
            .unwrap()
            .apply(&mut customer)
            .unwrap();
        assert_eq!(customer.name, None);
        assert_eq!(customer.metadata.keys().collect::<Vec<_>>(), vec!["b"]);
        assert_eq!(customer.email.as_deref(), Some("jo@example.com"));
    }

    #[test]
    fn refuses_bad_input_with_params() {
        assert_eq!(
            changes("email=nope").unwrap_err().param.as_deref(),
            Some("email")
        );
        assert_eq!(
            changes("tax_exempt=maybe").unwrap_err().param.as_deref(),
            Some("tax_exempt")
        );
        assert_eq!(
            changes("invoice_settings[bogus]=1")
                .unwrap_err()
                .param
                .as_deref(),
            Some("invoice_settings[bogus]")
        );
        assert_eq!(
            changes("balance=x").unwrap_err().param.as_deref(),
            Some("balance")
        );
    }

    #[test]
    fn renders_full_key_set() {
        let value = serde_json::to_value(Customer::new("cus_1".into(), 5)).unwrap();
        let keys: Vec<&str> = value
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        assert_eq!(keys.len(), 22);
        assert_eq!(value["object"], "customer");
        assert_eq!(value["metadata"], serde_json::json!({}));
        assert_eq!(
            value["invoice_settings"]["default_payment_method"],
            Value::Null
        );
    }

    #[test]
    fn a_detached_default_payment_method_is_forgotten() {
        let mut customer = Customer::new("cus_1".into(), 1_700_000_000);
        customer.invoice_settings.default_payment_method = Some("pm_1".into());
        assert!(!customer.forget_payment_method("pm_2"));
        assert_eq!(
            customer.invoice_settings.default_payment_method.as_deref(),
            Some("pm_1")
        );
        assert!(customer.forget_payment_method("pm_1"));
        assert_eq!(customer.invoice_settings.default_payment_method, None);
        assert!(!customer.forget_payment_method("pm_1"));
    }
}
