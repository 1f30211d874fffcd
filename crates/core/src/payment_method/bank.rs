//! Bank-debit payment methods (issue #24): SEPA Direct Debit (`sepa_debit`, an IBAN) and US
//! bank accounts (`us_bank_account`, ACH). Both settle later: a payment is `processing` until
//! the bank answers (see [`crate::debit`]).
//!
//! As with cards, nothing hidden is kept: the account number is dropped after validation, and
//! what the simulated bank does is recognised from rendered fields (country, bank code and
//! last four digits of a test IBAN; routing number and last four of a test account).

use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use sha2::Sha256;
use tender_wire::{ApiError, Params};

/// The `sepa_debit` hash of a payment method.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SepaDebit {
    pub bank_code: Option<String>,
    pub branch_code: Option<String>,
    pub country: Option<String>,
    pub fingerprint: String,
    pub generated_from: GeneratedFrom,
    pub last4: String,
}

/// `sepa_debit.generated_from`: Tender never generates one from another method.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct GeneratedFrom {
    pub charge: Option<String>,
    pub setup_attempt: Option<String>,
}

/// The `us_bank_account` hash of a payment method.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UsBankAccount {
    pub account_holder_type: Option<String>,
    pub account_type: Option<String>,
    pub bank_name: Option<String>,
    pub financial_connections_account: Option<String>,
    pub fingerprint: String,
    pub last4: String,
    pub networks: AchNetworks,
    pub routing_number: String,
    pub status_details: serde_json::Value,
}

/// `us_bank_account.networks`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AchNetworks {
    pub preferred: Option<String>,
    pub supported: Vec<String>,
}

/// Stripe's test bank (routing number `110000000`).
pub const TEST_ROUTING_NUMBER: &str = "110000000";

/// `sepa_debit[iban]` of a create request, validated: the IBAN without spaces, upper case.
pub fn take_sepa_debit(p: &mut Params) -> Result<String, ApiError> {
    let missing = format!("{}[iban]", p.name("sepa_debit"));
    let mut sepa = p
        .object("sepa_debit")?
        .ok_or_else(|| ApiError::missing_parameter(&missing))?;
    let param = sepa.name("iban");
    let iban = sepa.required_string("iban")?;
    sepa.finish()?;
    let iban: String = iban
        .chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| c.to_ascii_uppercase())
        .collect();
    if !valid_iban(&iban) {
        return Err(
            ApiError::invalid_request("The IBAN you provided is invalid.")
                .with_code("invalid_bank_account_iban")
                .with_param(param),
        );
    }
    Ok(iban)
}

/// The numbers of a `us_bank_account[…]` create request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UsBankAccountInput {
    pub account_number: String,
    pub routing_number: String,
    pub account_holder_type: Option<String>,
    pub account_type: Option<String>,
}

/// `us_bank_account[…]` of a create request, validated.
pub fn take_us_bank_account(p: &mut Params) -> Result<UsBankAccountInput, ApiError> {
    let missing = format!("{}[account_number]", p.name("us_bank_account"));
    let mut ach = p
        .object("us_bank_account")?
        .ok_or_else(|| ApiError::missing_parameter(&missing))?;
    let account_param = ach.name("account_number");
    let routing_param = ach.name("routing_number");
    if let Some(fca) = ach.string("financial_connections_account")? {
        // Instant verification through Financial Connections is Stripe's hosted flow; Tender
        // takes the numbers themselves (decision 23).
        return Err(ApiError::invalid_request(format!(
            "Financial Connections accounts are not supported by Tender ({fca}); provide \
             `account_number` and `routing_number`."
        ))
        .with_param(ach.name("financial_connections_account")));
    }
    let input = UsBankAccountInput {
        account_number: ach.required_string("account_number")?,
        routing_number: ach.required_string("routing_number")?,
        account_holder_type: ach.enumeration("account_holder_type", &["individual", "company"])?,
        account_type: ach.enumeration("account_type", &["checking", "savings"])?,
    };
    ach.finish()?;
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if !digits(&input.account_number) || !(4..=17).contains(&input.account_number.len()) {
        return Err(
            ApiError::invalid_request("The account number you provided is invalid.")
                .with_code("account_number_invalid")
                .with_param(account_param),
        );
    }
    if !digits(&input.routing_number)
        || input.routing_number.len() != 9
        || !aba_checksum(&input.routing_number)
    {
        return Err(
            ApiError::invalid_request("Routing number must have 9 digits and be valid.")
                .with_code("routing_number_invalid")
                .with_param(routing_param),
        );
    }
    Ok(input)
}

/// The `sepa_debit` hash for `iban` (valid, normalised).
pub fn sepa_debit(iban: &str, account_secret: &[u8]) -> SepaDebit {
    let country = iban.get(..2).unwrap_or_default();
    let bban = iban.get(4..).unwrap_or_default();
    // Where the bank (and branch) code sits in the BBAN, for the countries whose IBANs
    // Stripe's testing docs list; others render `null`, as Stripe does for unknown banks.
    let (bank, branch) = match country {
        "DE" => (bban.get(..8), None),
        "AT" => (bban.get(..5), None),
        "FR" | "IT" => (bban.get(..5), bban.get(5..10)),
        "ES" => (bban.get(..4), bban.get(4..8)),
        "NL" => (bban.get(..4), None),
        "BE" => (bban.get(..3), None),
        _ => (None, None),
    };
    SepaDebit {
        bank_code: bank.map(str::to_owned),
        branch_code: Some(branch.unwrap_or_default().to_owned()),
        country: Some(country.to_owned()),
        fingerprint: fingerprint(account_secret, b"sepa", iban),
        generated_from: GeneratedFrom::default(),
        last4: last4(iban),
    }
}

/// The `us_bank_account` hash for validated numbers.
pub fn us_bank_account(input: &UsBankAccountInput, account_secret: &[u8]) -> UsBankAccount {
    let number = format!("{}/{}", input.routing_number, input.account_number);
    UsBankAccount {
        account_holder_type: input.account_holder_type.clone(),
        account_type: Some(
            input
                .account_type
                .clone()
                .unwrap_or_else(|| "checking".to_owned()),
        ),
        bank_name: (input.routing_number == TEST_ROUTING_NUMBER)
            .then(|| "STRIPE TEST BANK".to_owned()),
        financial_connections_account: None,
        fingerprint: fingerprint(account_secret, b"ach", &number),
        last4: last4(&input.account_number),
        networks: AchNetworks {
            preferred: Some("ach".to_owned()),
            supported: vec!["ach".to_owned()],
        },
        routing_number: input.routing_number.clone(),
        status_details: serde_json::json!({}),
    }
}

fn last4(number: &str) -> String {
    number
        .get(number.len().saturating_sub(4)..)
        .unwrap_or_default()
        .to_owned()
}

/// ISO 13616: two letters, two check digits, a BBAN; the whole, rotated and read as a number
/// with letters as 10–35, is 1 modulo 97.
pub fn valid_iban(iban: &str) -> bool {
    let bytes = iban.as_bytes();
    if !(15..=34).contains(&bytes.len())
        || !bytes[..2].iter().all(u8::is_ascii_uppercase)
        || !bytes[2..4].iter().all(u8::is_ascii_digit)
        || !bytes.iter().all(u8::is_ascii_alphanumeric)
    {
        return false;
    }
    let mut remainder: u32 = 0;
    for &b in bytes[4..].iter().chain(&bytes[..4]) {
        let value = if b.is_ascii_digit() {
            u32::from(b - b'0')
        } else {
            u32::from(b - b'A') + 10
        };
        remainder = if value >= 10 {
            (remainder * 100 + value) % 97
        } else {
            (remainder * 10 + value) % 97
        };
    }
    remainder == 1
}

/// ABA routing number check: 3·(d1+d4+d7) + 7·(d2+d5+d8) + (d3+d6+d9) ≡ 0 (mod 10).
fn aba_checksum(routing: &str) -> bool {
    let d: Vec<u32> = routing.bytes().map(|b| u32::from(b - b'0')).collect();
    d.len() == 9
        && (3 * (d[0] + d[3] + d[6]) + 7 * (d[1] + d[4] + d[7]) + (d[2] + d[5] + d[8]))
            .is_multiple_of(10)
}

/// A per-account fingerprint of an account number (Stripe's is per account too).
fn fingerprint(account_secret: &[u8], label: &[u8], number: &str) -> String {
    const ALPHABET: &[u8; 62] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    let mut mac = match Hmac::<Sha256>::new_from_slice(account_secret) {
        Ok(mac) => mac,
        // HMAC takes keys of any length: this arm never runs, it only avoids a panic path.
        Err(_) => Hmac::<Sha256>::new(&Default::default()),
    };
    mac.update(b"tender bank fingerprint v1\0");
    mac.update(label);
    mac.update(b"\0");
    mac.update(number.as_bytes());
    mac.finalize().into_bytes()[..16]
        .iter()
        .map(|b| ALPHABET[usize::from(*b) % ALPHABET.len()] as char)
        .collect()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn stripes_test_ibans_are_valid_and_a_typo_is_not() {
        for iban in [
            "DE89370400440532013000",
            "DE62370400440532013001",
            "DE35370400440532013002",
            "DE08370400440532013003",
            "DE78370400440532013004",
            "AT611904300234573201",
            "FR1420041010050500013M02606",
            "NL39RABO0300065264",
        ] {
            assert!(valid_iban(iban), "{iban}");
        }
        assert!(!valid_iban("DE89370400440532013001"));
        assert!(!valid_iban("DE8937040044"));
        assert!(!valid_iban("de89370400440532013000"));
    }

    #[test]
    fn sepa_hash_shows_bank_code_and_last4() {
        let hash = sepa_debit("DE89370400440532013000", b"k");
        assert_eq!(hash.bank_code.as_deref(), Some("37040044"));
        assert_eq!(hash.country.as_deref(), Some("DE"));
        assert_eq!(hash.last4, "3000");
        assert_ne!(
            hash.fingerprint,
            sepa_debit("DE89370400440532013000", b"other").fingerprint
        );
    }

    #[test]
    fn ach_numbers_are_checked() {
        let take = |form: &str| {
            let mut p = Params::from_form(form.as_bytes()).unwrap();
            take_us_bank_account(&mut p)
        };
        let ok = take("us_bank_account[account_number]=000123456789&us_bank_account[routing_number]=110000000").unwrap();
        let hash = us_bank_account(&ok, b"k");
        assert_eq!(hash.last4, "6789");
        assert_eq!(hash.bank_name.as_deref(), Some("STRIPE TEST BANK"));
        let bad = take("us_bank_account[account_number]=000123456789&us_bank_account[routing_number]=110000001").unwrap_err();
        assert_eq!(bad.code.as_deref(), Some("routing_number_invalid"));
        assert_eq!(
            bad.param.as_deref(),
            Some("us_bank_account[routing_number]")
        );
        let bad =
            take("us_bank_account[account_number]=12a&us_bank_account[routing_number]=110000000")
                .unwrap_err();
        assert_eq!(bad.code.as_deref(), Some("account_number_invalid"));
    }
}
