//! iDEAL payment methods, the Dutch bank redirect: the `ideal` hash, the banks a customer can
//! choose and the `ideal[bank]` parameter.
//!
//! A module of its own, as the bank debits have [`super::bank`], so that one type's hash,
//! constructor and parameters read in one place.

use serde::{Deserialize, Serialize};
use tender_wire::{ApiError, Metadata, Params};

use super::{AllowRedisplay, PaymentMethod, PaymentMethodType};
use crate::Timestamp;
use crate::address::BillingDetails;

/// The `ideal` hash: the customer's bank, if chosen in the form.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ideal {
    pub bank: Option<String>,
    pub bic: Option<String>,
}

/// iDEAL banks and their BICs, as Stripe lists them.
pub const IDEAL_BANKS: &[(&str, &str)] = &[
    ("abn_amro", "ABNANL2A"),
    ("asn_bank", "ASNBNL21"),
    ("bunq", "BUNQNL2A"),
    ("ing", "INGBNL2A"),
    ("knab", "KNABNL2H"),
    ("n26", "NTSBDEB1"),
    ("rabobank", "RABONL2U"),
    ("regiobank", "RBRBNL21"),
    ("revolut", "REVOLT21"),
    ("sns_bank", "SNSBNL2A"),
    ("triodos_bank", "TRIONL2U"),
    ("van_lanschot", "FVLBNL22"),
    ("yoursafe", "BITSNL2A"),
];

impl PaymentMethod {
    /// An iDEAL payment method, with the bank the customer chose (if any).
    pub fn ideal(
        id: String,
        bank: Option<String>,
        billing_details: BillingDetails,
        metadata: Metadata,
        now: Timestamp,
    ) -> PaymentMethod {
        let bic = bank.as_deref().and_then(|bank| {
            IDEAL_BANKS
                .iter()
                .find(|(name, _)| *name == bank)
                .map(|(_, bic)| (*bic).to_owned())
        });
        let mut pm = PaymentMethod::new(
            id,
            None,
            billing_details,
            metadata,
            AllowRedisplay::Unspecified,
            now,
        );
        pm.kind = PaymentMethodType::Ideal;
        pm.ideal = Some(Ideal { bank, bic });
        pm
    }
}

/// `ideal[bank]`, optional: the Payment Element lets the customer choose on the bank's page.
pub(super) fn take_ideal(p: &mut Params) -> Result<Option<String>, ApiError> {
    let Some(mut ideal) = p.object("ideal")? else {
        return Ok(None);
    };
    let names: Vec<&str> = IDEAL_BANKS.iter().map(|(name, _)| *name).collect();
    let bank = ideal.enumeration("bank", &names)?;
    ideal.finish()?;
    Ok(bank)
}
