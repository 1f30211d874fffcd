//! Confirm and cancel an existing SetupIntent (the commands are shared with PaymentIntents).

use tender_core::setup_intent::SetupIntent;

use crate::http::{Api, ClientKeys, Path, Reply};
use crate::pipeline::mutate;
use crate::services::intent_commands::{Cancel, Confirm};

pub async fn confirm(Path(id): Path<String>, api: Api<ClientKeys>) -> Reply {
    mutate::<Confirm<SetupIntent>>(api.into(), id).await
}

pub async fn cancel(Path(id): Path<String>, api: Api) -> Reply {
    mutate::<Cancel<SetupIntent>>(api.into(), id).await
}
