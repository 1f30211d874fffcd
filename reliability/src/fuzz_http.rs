//! The HTTP-level fuzzer (being written).

#[derive(clap::Args)]
pub struct FuzzArgs {}

pub async fn run(_args: FuzzArgs) -> Result<(), String> {
    Err("fuzz-http is not written yet".into())
}
