//! Creating a subscription (`POST /v1/subscriptions`) in one unit of work: the subscription
//! and its items, its first invoice (finalized at once), the invoice's PaymentIntent and
//! default InvoicePayment, and their events; then, unless `default_incomplete` asks to wait,
//! the first payment through the confirmation engine, which settles the invoice in the same
//! unit of work (see `settle.rs`).

use serde_json::Value;
use tender_core::billing::create::{
    ItemPrice, SubscriptionCreate, check_item_price, check_items_match, item_field,
};
use tender_core::billing::documents::{Invoice, NewInvoice, Period};
use tender_core::billing::invoice::BillingReason;
use tender_core::billing::invoice_payment::InvoicePayment;
use tender_core::billing::lines::{BilledItem, subscription_lines};
use tender_core::billing::pending_setup::needs_pending_setup;
use tender_core::billing::period::period_end;
use tender_core::billing::subscription::{
    NewSubscription, PaymentSettings, Subscription, SubscriptionItem, plan_of,
};
use tender_core::billing::subscription_status::{
    FirstPayment, PaymentBehavior, SubscriptionStatus, initial_status,
};
use tender_core::event_kind::EventKind;
use tender_core::intent::Status;
use tender_core::payment_intent::PaymentIntent;
use tender_core::price::Price;
use tender_core::product::Product;
use tender_store::Write;
use tender_wire::expand::Expand;
use tender_wire::{ApiError, IdIn, Metadata};

use super::SubscriptionItemRecord;
use super::invoices::{invoice_confirmation, invoice_number, invoice_payment_intent};
use super::pending_setup;
use super::wake::{Subject, schedule_wake};
use crate::ctx::Ctx;
use crate::pipeline::Effect;
use crate::render;
use crate::resources::{Loaded, Resource, insert, new_id, to_json, unparsable};
use crate::services::catalog::{create_price, load_live_product, load_price};
use crate::services::confirmation;
use crate::services::customers::load_customer;
use crate::services::payment_methods::NamedPaymentMethod;
use crate::services::test_clocks::customer_now;

/// The prices of the items, in order, with their products' names.
struct ItemPrices {
    prices: Vec<(Price, String)>,
    writes: Vec<Write>,
}

/// Creates the subscription `create` describes and answers it expanded as asked.
pub async fn create_subscription(
    ctx: &Ctx,
    create: &SubscriptionCreate,
    expand: &Expand,
) -> Result<Effect, ApiError> {
    let customer = load_customer(ctx, &create.customer, IdIn::Param("customer")).await?;
    let ItemPrices { prices, mut writes } = item_prices(ctx, create).await?;
    check_items_match(&prices.iter().map(|(p, _)| p).collect::<Vec<_>>())?;
    if let Some(pm) = &create.default_payment_method {
        check_customers_payment_method(ctx, pm, &customer.object.id, "default_payment_method")
            .await?;
    }
    // A customer on a test clock lives at the clock's time.
    let now = customer_now(ctx, &customer.object).await?;
    let trial_end = create.trial.and_then(|t| t.end(now));
    let period = match (trial_end, prices[0].0.recurring.as_ref()) {
        (Some(end), _) => (now, end),
        (None, Some(r)) => (now, period_end(now, r.interval, r.interval_count, 1)),
        (None, None) => (now, now),
    };
    let subscription_id = new_id::<Subscription>();
    let items: Vec<SubscriptionItem> = create
        .items
        .iter()
        .zip(&prices)
        .map(
            |(params, (price, _))| -> Result<SubscriptionItem, ApiError> {
                let mut metadata = Metadata::new();
                if let Some(update) = &params.metadata {
                    update.apply(&mut metadata, &format!("{}[metadata]", params.param))?;
                }
                Ok(SubscriptionItem {
                    id: new_id::<SubscriptionItemRecord>(),
                    object: "subscription_item".to_owned(),
                    billing_thresholds: None,
                    created: now,
                    current_period_end: period.1,
                    current_period_start: period.0,
                    discounts: Vec::new(),
                    metadata,
                    plan: plan_of(price),
                    price: price.clone(),
                    quantity: params.quantity,
                    subscription: subscription_id.clone(),
                    tax_rates: Vec::new(),
                })
            },
        )
        .collect::<Result<_, _>>()?;
    let billed: Vec<BilledItem<'_>> = items
        .iter()
        .zip(&prices)
        .zip(&create.items)
        .map(|((item, (_, name)), params)| BilledItem {
            item,
            product_name: name,
            param: params.param.clone(),
        })
        .collect();
    let invoice_period = Period {
        start: period.0,
        end: period.1,
    };
    let (lines, amounts) = subscription_lines(
        &subscription_id,
        &billed,
        trial_end.is_some(),
        invoice_period,
        || tender_wire::id::generate("il"),
    )?;
    let mut metadata = Metadata::new();
    if let Some(update) = &create.metadata {
        update.apply(&mut metadata, "metadata")?;
    }
    let currency = prices[0].0.currency.clone();
    let mut invoice = Invoice::draft(
        NewInvoice {
            id: new_id::<Invoice>(),
            customer: customer.object.id.clone(),
            customer_email: customer.object.email.clone(),
            customer_name: customer.object.name.clone(),
            currency: currency.clone(),
            billing_reason: BillingReason::SubscriptionCreate,
            collection_method: create.collection_method.clone(),
            days_until_due: create.days_until_due,
            subscription: Some(subscription_id.clone()),
            description: None,
            metadata: Metadata::new(),
            // A subscription's first invoice covers the moment of creation only; the lines
            // carry the period billed (Stripe's convention).
            period: Period {
                start: now,
                end: now,
            },
            lines,
            amounts,
        },
        now,
    );
    invoice.finalize(invoice_number(&customer.object, &invoice.id), now);
    let charges_automatically = create.collection_method == "charge_automatically";
    let payment_due = charges_automatically && invoice.amount_due > 0;
    let default_payment_method = create.default_payment_method.clone().or_else(|| {
        customer
            .object
            .invoice_settings
            .default_payment_method
            .clone()
    });
    let attempts = payment_due && create.payment_behavior != PaymentBehavior::DefaultIncomplete;
    if attempts && default_payment_method.is_none() {
        return Err(ApiError::invalid_request(
            "This customer has no attached payment source or default payment method. Please \
             consider adding a default payment method.",
        )
        .with_code("resource_missing"));
    }
    let first_payment = if payment_due {
        FirstPayment::NotAttempted
    } else {
        FirstPayment::NothingDue
    };
    let status = initial_status(
        create.payment_behavior,
        trial_end.is_some(),
        first_payment,
        None,
    )?;
    let mut subscription = Subscription::new(
        NewSubscription {
            id: subscription_id.clone(),
            customer: customer.object.id.clone(),
            currency: currency.clone(),
            collection_method: create.collection_method.clone(),
            days_until_due: create.days_until_due,
            default_payment_method: create.default_payment_method.clone(),
            description: create.description.clone(),
            metadata,
            cancel_at_period_end: create.cancel_at_period_end,
            payment_settings: PaymentSettings {
                payment_method_options: None,
                payment_method_types: create.payment_method_types.clone(),
                save_default_payment_method: if create.save_default_payment_method {
                    "on_subscription"
                } else {
                    "off"
                }
                .to_owned(),
            },
            trial_end,
            items,
        },
        status,
        period,
        now,
    );
    subscription.latest_invoice = Some(invoice.id.clone());
    subscription.test_clock = customer.object.test_clock.clone();
    if needs_pending_setup(
        create.payment_behavior,
        charges_automatically,
        invoice.amount_due,
    ) {
        pending_setup::create(ctx, &mut subscription, &mut writes)?;
    }
    invoice.test_clock = customer.object.test_clock.clone();
    // A `send_invoice` invoice is paid by the customer later, through its PaymentIntent too.
    let intent = (invoice.amount_due > 0).then(|| {
        invoice_payment_intent(
            &invoice,
            create.payment_method_types.clone(),
            default_payment_method.clone(),
            // Payments keep real times, even for a customer on a test clock (as on Stripe).
            ctx.wall,
        )
    });
    if let Some(intent) = &intent {
        invoice.payment_intent = Some(intent.id.clone());
    }
    // The records, then the events in the order Stripe documents them.
    let subscription_json = to_json(&subscription)?;
    writes.push(insert(ctx.account_id(), &subscription)?);
    for item in &subscription.items.data {
        writes.push(insert(
            ctx.account_id(),
            &SubscriptionItemRecord {
                id: item.id.clone(),
                subscription: subscription_id.clone(),
                created: now,
            },
        )?);
    }
    writes.push(ctx.event_json(
        EventKind::CustomerSubscriptionCreated,
        subscription_json,
        None,
    )?);
    let invoice_json = to_json(&invoice)?;
    writes.push(insert(ctx.account_id(), &invoice)?);
    writes.push(ctx.event_json(EventKind::InvoiceCreated, invoice_json.clone(), None)?);
    writes.push(ctx.event_json(EventKind::InvoiceFinalized, invoice_json.clone(), None)?);
    if invoice.status_transitions.paid_at.is_some() {
        writes.push(ctx.event_json(EventKind::InvoicePaid, invoice_json.clone(), None)?);
        writes.push(ctx.event_json(EventKind::InvoicePaymentSucceeded, invoice_json, None)?);
    }
    let Some(intent) = intent else {
        return answer(ctx, &subscription_id, writes, expand, Subject::New).await;
    };
    let payment = InvoicePayment::new(&invoice, &intent.id, now);
    writes.push(insert(ctx.account_id(), &payment)?);
    let intent_json = to_json(&intent)?;
    writes.push(ctx.event_json(EventKind::PaymentIntentCreated, intent_json.clone(), None)?);
    if !attempts {
        writes.push(insert(ctx.account_id(), &intent)?);
        return answer(ctx, &subscription_id, writes, expand, Subject::New).await;
    }
    let params = invoice_confirmation(None, create.off_session)?;
    let effect =
        confirmation::confirm(ctx, intent, None, &params, &Expand::default(), writes).await?;
    after_first_payment(
        ctx,
        create.payment_behavior,
        &subscription_id,
        effect,
        expand,
    )
    .await
}

/// The answer once the first payment was attempted: the subscription, or, under
/// `error_if_incomplete`, the 402 that refuses it with nothing written.
async fn after_first_payment(
    ctx: &Ctx,
    behavior: PaymentBehavior,
    subscription_id: &str,
    effect: Effect,
    expand: &Expand,
) -> Result<Effect, ApiError> {
    let Effect {
        writes,
        status: http_status,
        body,
    } = effect;
    let subscription = pending::<Subscription>(&writes, subscription_id)?;
    let intent_status = writes
        .iter()
        .rev()
        .find(|w| w.record.kind == PaymentIntent::OBJECT)
        .and_then(|w| serde_json::from_str::<PaymentIntent>(&w.record.body).ok())
        .map(|pi| pi.status);
    let payment = match intent_status {
        Some(Status::Succeeded) => FirstPayment::Succeeded,
        Some(Status::RequiresAction) => FirstPayment::RequiresAction,
        Some(Status::Processing) => FirstPayment::NotAttempted,
        _ => FirstPayment::Failed,
    };
    if behavior == PaymentBehavior::ErrorIfIncomplete
        && subscription.status == SubscriptionStatus::Incomplete
    {
        if payment == FirstPayment::Failed && http_status == 402 {
            // The payment's own card error, without the PaymentIntent no one will keep.
            let mut error: Value =
                serde_json::from_str(&body).map_err(|e| unparsable("error", &e))?;
            if let Some(inner) = error.get_mut("error").and_then(Value::as_object_mut) {
                inner.remove("payment_intent");
            }
            return Ok(Effect {
                writes: Vec::new(),
                status: 402,
                body: error.to_string(),
            });
        }
        initial_status(behavior, false, payment, None)?;
    }
    answer(ctx, subscription_id, writes, expand, Subject::New).await
}

/// The subscription as this unit of work leaves it, expanded as asked (create and update
/// answer it so), with the job of its next step scheduled.
pub(super) async fn answer(
    ctx: &Ctx,
    subscription_id: &str,
    mut writes: Vec<Write>,
    expand: &Expand,
    subject: Subject,
) -> Result<Effect, ApiError> {
    schedule_wake(ctx, &mut writes, subscription_id, subject).await?;
    let body = writes
        .iter()
        .find(|w| w.record.id == subscription_id)
        .map(|w| w.record.body.clone())
        .unwrap_or_default();
    let value: Value = serde_json::from_str(&body).map_err(|e| unparsable(subscription_id, &e))?;
    render::expanded_effect(ctx, value, expand, writes).await
}

/// The object `id` as pending among `writes`.
fn pending<R: Resource + serde::de::DeserializeOwned>(
    writes: &[Write],
    id: &str,
) -> Result<R, ApiError> {
    let body = writes
        .iter()
        .find(|w| w.record.id == id)
        .map(|w| w.record.body.as_str())
        .unwrap_or_default();
    serde_json::from_str(body).map_err(|e| unparsable(id, &e))
}

/// The items' prices: loaded (`items[i][price]`) or made (`items[i][price_data]`, with their
/// writes), each checked, with its product's name for the invoice lines.
async fn item_prices(ctx: &Ctx, create: &SubscriptionCreate) -> Result<ItemPrices, ApiError> {
    let mut prices = Vec::with_capacity(create.items.len());
    let mut writes = Vec::new();
    for item in &create.items {
        let price = resolve_item_price(ctx, &item.price, &item.param, &mut writes).await?;
        let name = product_name(ctx, &price.product).await?;
        prices.push((price, name));
    }
    Ok(ItemPrices { prices, writes })
}

/// The price `items[i]` (`param`) names: loaded by id and checked, or made from its
/// `price_data` (its writes added to `writes`).
pub(super) async fn resolve_item_price(
    ctx: &Ctx,
    price: &ItemPrice,
    param: &str,
    writes: &mut Vec<Write>,
) -> Result<Price, ApiError> {
    Ok(match price {
        ItemPrice::Id(id) => {
            let param = item_field(param, "price");
            let price = load_price(ctx, id, IdIn::Param(&param)).await?.object;
            check_item_price(&price, &param)?;
            price
        }
        ItemPrice::Data { product, terms } => {
            let param = item_field(&item_field(param, "price_data"), "product");
            load_live_product(ctx, product, IdIn::Param(&param)).await?;
            // Inline prices are archived at once: they belong to this item only.
            let price = terms
                .clone()
                .build(new_id::<Price>(), product.clone(), false, ctx.now)?;
            writes.extend(create_price(ctx, &price, false).await?);
            price
        }
    })
}

pub(super) async fn product_name(ctx: &Ctx, product: &str) -> Result<String, ApiError> {
    Ok(match ctx.find(product).await? {
        Some(record) => Loaded::<Product>::from_record(&record)?.object.name,
        None => product.to_owned(),
    })
}

/// Refuses a payment method that is not saved to `customer`.
pub async fn check_customers_payment_method(
    ctx: &Ctx,
    id: &str,
    customer: &str,
    param: &str,
) -> Result<(), ApiError> {
    let pm = NamedPaymentMethod::resolve(ctx, id, IdIn::Param(param)).await?;
    if pm.spent || pm.object.customer.as_deref() != Some(customer) {
        return Err(ApiError::invalid_request(format!(
            "The customer does not have a payment method with the ID {id}. The payment method \
             must be attached to the customer."
        ))
        .with_param(param));
    }
    Ok(())
}
