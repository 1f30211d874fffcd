//! Object ids and secrets: a prefix, `_`, then random base62 (no further `_`, so that client
//! SDKs can split `pi_…_secret_…` on underscores).

use rand::Rng;

const BASE62: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/// Random characters after the prefix; 24 base62 characters carry ~143 bits.
pub const ID_LENGTH: usize = 24;

/// `random_base62(n)`: `n` characters from the thread's CSPRNG.
pub fn random_base62(len: usize) -> String {
    let mut rng = rand::rng();
    (0..len)
        .map(|_| char::from(BASE62[rng.random_range(0..BASE62.len())]))
        .collect()
}

/// A new id such as `cus_…` for `generate("cus")`.
pub fn generate(prefix: &str) -> String {
    format!("{prefix}_{}", random_base62(ID_LENGTH))
}

/// The `client_secret` of an intent: `<id>_secret_<random>`.
pub fn client_secret(intent_id: &str) -> String {
    format!("{intent_id}_secret_{}", random_base62(25))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_have_prefix_and_no_inner_underscore() {
        let id = generate("pi");
        let (prefix, rest) = id.split_once('_').unwrap_or_default();
        assert_eq!(prefix, "pi");
        assert_eq!(rest.len(), ID_LENGTH);
        assert!(rest.bytes().all(|b| b.is_ascii_alphanumeric()));
        assert_ne!(generate("pi"), generate("pi"));
        let secret = client_secret(&id);
        assert_eq!(secret.split('_').count(), 4);
    }
}
