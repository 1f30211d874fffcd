//! The form body decoder: no panic, bounded work, and for accepted input the limits hold and
//! the tree survives a canonical re-encoding (see `tender_fuzz::decode_checked`).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Some(tree) = tender_fuzz::decode_checked(data) {
        // The server hands the tree to `Params`; the same bytes must give the same answer.
        let params = tender_wire::Params::from_form(data);
        assert!(params.is_ok(), "decode accepted but from_form refused");
        assert!(!tree.is_empty() || data.iter().all(|b| *b == b'&'));
    }
});
