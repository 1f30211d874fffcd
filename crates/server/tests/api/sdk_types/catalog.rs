//! Products and Prices (the Billing catalog), deleted products and lists, as async-stripe
//! reads them.

use stripe_shared::{
    DeletedProduct, Price, PriceBillingScheme, PriceType, Product, ProductType, RecurringInterval,
};
use stripe_types::{Expandable, List};

use super::{Sdk, expanded};
use crate::helpers::TestApp;

#[tokio::test]
async fn products_and_prices_deserialize() {
    let app = TestApp::spawn().await;
    let sdk = Sdk { app: &app };
    let product: Product = sdk
        .post(
            "/v1/products",
            "name=Gold&description=Best&images[]=https%3A%2F%2Fx.io%2Fa.png\
             &marketing_features[0][name]=Fast&package_dimensions[height]=1.5\
             &package_dimensions[length]=2&package_dimensions[weight]=3&package_dimensions[width]=4\
             &shippable=true&statement_descriptor=GOLD&unit_label=seat&url=https%3A%2F%2Fx.io\
             &tax_code=txcd_10000000&default_price_data[currency]=usd\
             &default_price_data[unit_amount]=1000&default_price_data[recurring][interval]=month\
             &expand[]=default_price",
        )
        .await;
    assert_eq!(product.type_, ProductType::Service);
    assert_eq!(product.package_dimensions.as_ref().unwrap().height, 1.5);
    let monthly = expanded(&product.default_price);
    assert_eq!(monthly.type_, PriceType::Recurring);
    assert_eq!(
        monthly.recurring.as_ref().unwrap().interval,
        RecurringInterval::Month
    );
    let prod = product.id.as_str();

    let price: Price = sdk
        .post(
            "/v1/prices",
            &format!(
                "product={prod}&currency=usd&unit_amount_decimal=12.5&lookup_key=half\
                 &nickname=Half&tax_behavior=exclusive&expand[]=product"
            ),
        )
        .await;
    assert_eq!(price.billing_scheme, PriceBillingScheme::PerUnit);
    assert_eq!(price.unit_amount, None);
    assert_eq!(price.unit_amount_decimal.as_deref(), Some("12.5"));
    assert!(matches!(&price.product, Expandable::Object(p) if p.id == product.id));
    let custom: Price = sdk
        .post(
            "/v1/prices",
            "product_data[name]=Tip&currency=usd&custom_unit_amount[enabled]=true\
             &custom_unit_amount[preset]=500",
        )
        .await;
    assert_eq!(custom.custom_unit_amount.unwrap().preset, Some(500));

    let updated: Price = sdk
        .post(
            &format!("/v1/prices/{}", price.id.as_str()),
            "metadata[k]=v",
        )
        .await;
    assert_eq!(updated.metadata["k"], "v");
    let prices: List<Price> = sdk
        .get(
            "/v1/prices",
            &format!("product={prod}&expand[]=data.product"),
        )
        .await;
    assert_eq!(prices.data.len(), 2);
    let products: List<Product> = sdk.get("/v1/products", "active=true").await;
    assert_eq!(products.data.len(), 2);
    let fetched: Product = sdk.get(&format!("/v1/products/{prod}"), "").await;
    assert_eq!(fetched.name, "Gold");

    let bare: Product = sdk.post("/v1/products", "name=Bare").await;
    let deleted: DeletedProduct = sdk
        .delete(&format!("/v1/products/{}", bare.id.as_str()))
        .await;
    assert_eq!(deleted.id, bare.id);
    // Every event parses as a webhook, `data.object` as the type its `type` names.
    assert_eq!(
        sdk.events().await,
        [
            "product.created",
            "price.created",
            "price.created",
            "product.created",
            "price.created",
            "price.updated",
            "product.created",
            "product.deleted",
        ]
    );
    app.stop().await;
}
