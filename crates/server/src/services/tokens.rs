//! Card Tokens as other requests use them: redeeming the stored token that `card[token]`
//! names into the payment method it mints, with the token marked used in the same unit of
//! work (so a token is redeemed exactly once, even by two requests at the same moment: the
//! second's write names a version the first has replaced, and it runs again to find the
//! token used).

use tender_core::payment_method::{PaymentMethod, PaymentMethodCreate};
use tender_core::token::{Redemption, StoredToken};
use tender_store::Write;
use tender_wire::{ApiError, IdIn};

use crate::ctx::Ctx;
use crate::resources::new_id;

/// The payment method a create request's stored `card[token]` mints, and the token's write;
/// `None` when the request names no stored token (card data, a test token such as
/// `tok_visa`, another type), which core mints without a lookup.
pub async fn redeem(
    ctx: &Ctx,
    create: &PaymentMethodCreate,
) -> Result<Option<(PaymentMethod, Write)>, ApiError> {
    let Some((token_id, param)) = create.stored_card_token() else {
        return Ok(None);
    };
    let mut loaded = ctx
        .load::<StoredToken>(token_id, IdIn::Param(param))
        .await?;
    let redemption = Redemption {
        billing_details: (create.billing_details != Default::default())
            .then(|| create.billing_details.clone()),
        metadata: create.metadata.clone(),
        allow_redisplay: create.allow_redisplay,
    };
    let mut pm = loaded
        .object
        .redeem(new_id::<PaymentMethod>(), redemption, param, ctx.now)?;
    pm.radar_options = create.radar_options.clone();
    Ok(Some((pm, loaded.update(ctx.account_id())?)))
}
