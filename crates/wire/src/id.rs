//! Object ids and secrets: a prefix, `_`, then base62 (no further `_`, so that client SDKs can
//! split `pi_…_secret_…` on underscores).
//!
//! An id starts with the time it was made (milliseconds, 8 base62 characters, so ids sort by
//! age) and ends with 16 random ones (~95 bits). Why not all random: every store indexes ids,
//! and a random key lands on a random page of that index, so at a million payments nearly
//! every insert dirtied a page of its own and rewrote it to the WAL; time-first ids append at
//! the index's end like the `created` lists do. Measured in docs/BENCHMARKS.md.

use rand::Rng;

const BASE62: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/// Characters after the prefix, as Stripe's: 24 base62 characters.
pub const ID_LENGTH: usize = 24;

/// Of those, the leading ones that carry the time (62^8 ms is about 6,900 years).
const TIME_LENGTH: usize = 8;

/// `random_base62(n)`: `n` characters from the thread's CSPRNG.
pub fn random_base62(len: usize) -> String {
    let mut rng = rand::rng();
    (0..len)
        .map(|_| char::from(BASE62[rng.random_range(0..BASE62.len())]))
        .collect()
}

/// A new id such as `cus_…` for `generate("cus")`.
pub fn generate(prefix: &str) -> String {
    format!("{prefix}_{}", time_ordered(ID_LENGTH))
}

/// `len` base62 characters: the current time in milliseconds first, then random ones.
pub fn time_ordered(len: usize) -> String {
    let millis = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis());
    let mut out = base62_fixed(millis, TIME_LENGTH.min(len));
    out.push_str(&random_base62(len.saturating_sub(TIME_LENGTH)));
    out
}

/// `value` in base62, most significant first, in exactly `width` characters (the leading
/// ones `0`, the excess of a value too large dropped), so that strings sort like numbers.
fn base62_fixed(mut value: u128, width: usize) -> String {
    let mut digits = vec![BASE62[0]; width];
    for digit in digits.iter_mut().rev() {
        *digit = BASE62[(value % 62) as usize];
        value /= 62;
    }
    digits.into_iter().map(char::from).collect()
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

    #[test]
    fn ids_sort_by_time() {
        assert_eq!(base62_fixed(0, 8), "00000000");
        assert_eq!(base62_fixed(61, 3), "00z");
        assert_eq!(base62_fixed(62, 3), "010");
        assert!(base62_fixed(1_700_000_000_000, 8) < base62_fixed(1_700_000_000_001, 8));
        let earlier = generate("pi");
        std::thread::sleep(std::time::Duration::from_millis(2));
        let later = generate("pi");
        assert!(earlier < later, "{earlier} < {later}");
    }
}
